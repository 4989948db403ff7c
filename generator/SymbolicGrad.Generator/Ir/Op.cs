namespace SymbolicGrad.Generator.Ir;

/// <summary>
/// The operations of the IR. Everything about an operation — shape, folding, derivatives, notation, lowering — is
/// declared once, in its <see cref="OpDef"/> entry of <see cref="OpTable"/>.
/// </summary>
internal enum Op
{
    // Leaves.
    Constant,
    /// <summary>A parameter of the method or a Vec/Mat field of the model; <see cref="Node.Name"/> is its C# name.</summary>
    Input,
    /// <summary>A read of a static field that is not a constant; <see cref="Node.Name"/> is the C# that reads it.</summary>
    External,
    /// <summary>The value of <see cref="Node.Dim"/> (an element count) as a number of the node's kind.</summary>
    Length,
    /// <summary>1/B, each sample's share of a batch's mean loss: the seed of a model method's backward pass.</summary>
    SampleWeight,

    // Arithmetic.
    Add, Sub, Mul, Div, Neg,

    // Elementary functions (Math/MathF).
    Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Tanh, Exp, Log, Log10, Sqrt, Pow, Abs, Max, Min,

    // More of Math/MathF: functions of two or three arguments, and those beyond the classic set.
    Atan2, Cbrt, Log2, LogBase, Asinh, Acosh, Atanh, FusedMultiplyAdd, ScaleB, CopySign, Clamp, IEEERemainder,

    /// <summary>C#'s <c>%</c>: the remainder of truncated division (fmod for reals).</summary>
    Remainder,

    // Piecewise constant: derivative zero almost everywhere.
    Floor, Ceiling, Round, Truncate, Sign,

    /// <summary>A numeric conversion to the node's kind (a C# cast).</summary>
    Convert,

    /// <summary><c>Args[0] ? Args[1] : Args[2]</c>; the derivative flows to the branch taken.</summary>
    Select,

    // Conditions (Boolean kind).
    Less, LessOrEqual, Greater, GreaterOrEqual, Equal, NotEqual, And, Or, Not,

    /// <summary>The logistic function 1 / (1 + e^−x).</summary>
    Sigmoid,

    // Structural tensor operations. Element-wise ones are the scalar ops above with a shape.
    /// <summary>Matrix × vector: <c>Args[0]</c> a matrix, <c>Args[1]</c> a vector.</summary>
    MatVec,
    /// <summary>Transposed matrix × vector, Wᵀ·g: the adjoint of the vector operand of <see cref="MatVec"/>.</summary>
    MatTVec,
    /// <summary>Σ over the batch of g·xᵀ: the adjoint of the matrix operand of <see cref="MatVec"/>.</summary>
    Outer,
    /// <summary>The sum of a vector's elements (per sample).</summary>
    Sum,
    /// <summary>log Σ exp, computed stably (per sample).</summary>
    LogSumExp,
    /// <summary>
    /// <c>exp(Args[0] − Args[1])</c> with <c>Args[1]</c> the log-sum-exp of <c>Args[0]</c> (per sample): the softmax, the
    /// derivative of <see cref="LogSumExp"/>, by a runtime kernel whose exponentials run on vectors.
    /// </summary>
    Softmax,
    /// <summary><c>Args[0][Args[1]]</c>: one element of a vector, at an int index.</summary>
    Pick,
    /// <summary>A vector that is <c>Args[0]</c> at index <c>Args[1]</c> and 0 elsewhere (the adjoint of <see cref="Pick"/>).</summary>
    OneHot,
    /// <summary>The two vectors end to end.</summary>
    Concat,
    /// <summary>The elements of a vector from offset <see cref="Node.Dim"/> on, as many as the node's length.</summary>
    Slice,
    /// <summary>The sum over the batch of a per-sample value: the adjoint of a value shared by all samples.</summary>
    ReduceBatch,
    /// <summary>A scalar (or shared value) repeated to the node's shape: an adjoint that kernels need in full.</summary>
    Broadcast,

    // Layers (model methods): their kernels read the model's mode, and dropout its random stream.
    /// <summary>The same elements under another shape (an image view of a vector): a view for every reader.</summary>
    Reshape,
    /// <summary>Inverted dropout of <c>Args[0]</c> with probability <c>Args[1]</c>; <see cref="Node.Value"/> is its site (never merged).</summary>
    Dropout,
    /// <summary>Batch normalization of <c>Args[0]</c> by layer <see cref="Node.Name"/> (γ <c>Args[1]</c>, β <c>Args[2]</c>); <see cref="Node.Value"/> 1 for an image.</summary>
    BatchNorm,
    /// <summary>
    /// A part of batch normalization's pullback: <see cref="Node.Value"/> 0 ∂/∂x, 1 ∂/∂γ, 2 ∂/∂β, from the adjoint
    /// <c>Args[0]</c>, the forward <see cref="BatchNorm"/> <c>Args[1]</c> (its input and saved statistics).
    /// </summary>
    BatchNormGrad,
    /// <summary>2-D convolution of image <c>Args[0]</c> by layer <see cref="Node.Name"/> (weights <c>Args[1]</c>, bias <c>Args[2]</c>).</summary>
    Conv2d,
    /// <summary>A part of convolution's pullback: <see cref="Node.Value"/> 0 ∂/∂x, 1 ∂/∂W, 2 ∂/∂bias, from the adjoint <c>Args[0]</c> and the forward <see cref="Conv2d"/> <c>Args[1]</c>.</summary>
    Conv2dGrad,
    /// <summary>Max pooling of image <c>Args[0]</c>, window <c>Args[1]</c>, stride <c>Args[2]</c> (int constants).</summary>
    MaxPool2d,
    /// <summary>Max pooling's pullback: the adjoint <c>Args[0]</c> routed to the maxima of the forward <see cref="MaxPool2d"/> <c>Args[1]</c>.</summary>
    MaxPool2dGrad,

    // Arrays.
    /// <summary><c>Args[0][Args[1]]</c>, an element of an array or span parameter, read only when <c>Args[2]</c> (its guard) holds.</summary>
    ArrayRead,
    /// <summary>
    /// <c>d[Args[1]] += Args[0]</c> when <c>Args[2]</c> holds, into the gradient of array <see cref="Node.Name"/>: the adjoint of
    /// <see cref="ArrayRead"/>, an effect of its region.
    /// </summary>
    Scatter,

    // Loops and their reverse.
    /// <summary>Parameter number <see cref="Node.Value"/> of the region it belongs to (a loop body's carried value).</summary>
    Param,
    /// <summary>
    /// A loop: where <c>Args[0]</c> holds (the path reaching it), runs its <see cref="Node.Body"/> from the carried values
    /// <c>Args[1..]</c> while the body's <see cref="LoopControl"/> says so; the body's results are the next iteration's values.
    /// </summary>
    Loop,
    /// <summary>Carried value number <see cref="Node.Value"/> of loop <c>Args[0]</c> when it ends.</summary>
    LoopResult,
    /// <summary>How many times loop <c>Args[0]</c> ran its body.</summary>
    LoopTrips,
    /// <summary>
    /// The reverse of a loop: runs its <see cref="Node.Body"/> <c>Args[0]</c> times, the forward iterations last to first,
    /// from the carried adjoints <c>Args[1..]</c>; <see cref="Node.Ref"/> is the forward loop.
    /// </summary>
    ReverseLoop,
    /// <summary>In a reverse loop, the value forward node <see cref="Node.Ref"/> had in the iteration being reversed (from the tape, or recomputed).</summary>
    Restore,

    // Calls of functions whose derivative is a user's [DerivativeOf] rule (see CallTarget for what Node.Name holds).
    /// <summary><c>F(Args…)</c>: the value of a function with a derivative rule, computed by the function itself.</summary>
    Call,
    /// <summary>The call of F's rule on <c>Args</c>: a statement whose <c>out</c> arguments are its <see cref="RuleOut"/> nodes.</summary>
    RuleCall,
    /// <summary>Out argument number <see cref="Node.Value"/> of rule call <c>Args[0]</c>: ∂F/∂ (its differentiable parameter of that rank).</summary>
    RuleOut,
    /// <summary>
    /// <c>d[i] += Args[0]·Args[1][i]</c> for every i, into the gradient of array <see cref="Node.Name"/>: the adjoint of an
    /// array operand of a <see cref="Call"/>, <c>Args[1]</c> the <see cref="RuleOut"/> buffer the rule added ∂F/∂array into.
    /// </summary>
    RuleScatter,
    /// <summary>Σ Args[0][i]·Args[1][i]: the rule's buffer ∂F/∂array (a <see cref="RuleOut"/>) dotted with the array's tangent.</summary>
    RuleDot,
    /// <summary>
    /// <c>F(Args…)</c> for a function returning a Vec with a pullback rule (a custom layer), computed per sample by F's
    /// overload that writes into a buffer; <see cref="Node.Name"/> is a <see cref="CallTarget"/>, <see cref="Node.Dim"/> the result's length.
    /// </summary>
    LayerCall,
    /// <summary>
    /// ∂L/∂(operand <see cref="Node.Value"/>) of custom layer <c>Args[1]</c>, by its rule, from the adjoint <c>Args[0]</c>; the
    /// call's operands follow (<c>Args[2..]</c>), so the rule's reads are this node's.
    /// </summary>
    LayerRuleGrad,
    /// <summary>
    /// <c>F(Args…)</c> in code on Vec and Mat for a function of values with a <c>[DerivativeOf]</c> rule: per sample, one value
    /// (rank 0); <see cref="Node.Name"/> is a <see cref="CallTarget"/>.
    /// </summary>
    ValueCall,
    /// <summary>∂F/∂(operand <see cref="Node.Value"/>) of a <see cref="ValueCall"/> on the same operands, per sample, by the rule.</summary>
    ValueCallGrad,
    // Loops over a model's layers (issue 9): the loop body is a program of its own, run once per layer.
    /// <summary>
    /// The loop over layers number <see cref="Node.Value"/> of a model method, from the carried vector <c>Args[0]</c>: its
    /// result is the carried vector after the last layer. The body is <see cref="Pipeline.LayerLoopModel.Body"/>.
    /// </summary>
    LayerLoop,
    /// <summary>
    /// The reverse of <see cref="LayerLoop"/> number <see cref="Node.Value"/>: from ∂L/∂result (<c>Args[0]</c>) and the loop's
    /// first carried vector (<c>Args[1]</c>), runs the layers' backward passes last to first, each adding its parameters'
    /// gradients; its value is ∂L/∂<c>Args[1]</c> (a vector), or nothing (a rank-0 shape) when that is not needed.
    /// </summary>
    LayerLoopBackward,
    /// <summary>
    /// The tangent of <see cref="LayerLoop"/> <c>Args[0]</c> (forward mode): the layers' Jvps run with that loop, each from
    /// the previous layer's value and tangent (the first from <c>Args[1]</c>, the tangent of the loop's first carried
    /// vector, when it has one), and this is the last layer's tangent.
    /// </summary>
    LayerLoopTangent,
    /// <summary>
    /// The tangent of <see cref="LayerLoopBackward"/> <c>Args[0]</c> in a model method's Hvp (forward over reverse): runs
    /// each layer's backward pass with its adjoints' tangents, last to first, from the tangent of ∂L/∂result (<c>Args[1]</c>)
    /// and the tangent of the loop's first carried vector (<c>Args[2]</c>, when it has one); adds each layer's gradient
    /// and H·v into the caller's buffers, and fills <c>Args[0]</c>'s buffer too. Its value is the tangent of ∂L/∂(first
    /// carried vector), or nothing (a rank-0 shape).
    /// </summary>
    LayerLoopBackwardTangent,
    /// <summary>
    /// The tangent of <see cref="BatchNorm"/> <c>Args[0]</c> in evaluation mode (forward mode): γ·s·tx + (x − μ)·s·tγ + tβ
    /// with the running statistics, s = 1/√(σ² + ε). <see cref="Node.Value"/> says which tangents follow in
    /// <c>Args</c>, in this order: 1 tx, 2 tγ, 4 tβ (a missing one is zero).
    /// </summary>
    BatchNormTangent,
    /// <summary>
    /// The tangent of a <see cref="Conv2d"/> by layer <see cref="Node.Name"/> of image <c>Args[0]</c> with weights
    /// <c>Args[1]</c> (forward mode): conv(tx, W) + conv(x, tW) + tb. <see cref="Node.Value"/> says which tangents follow
    /// in <c>Args</c>, in this order: 1 tx, 2 tW, 4 tb (a missing one is zero, its term not computed).
    /// </summary>
    Conv2dTangent,
    /// <summary>
    /// The tangent of the forward <see cref="MaxPool2d"/> <c>Args[1]</c> from its input's tangent <c>Args[0]</c> (forward
    /// mode): each output's tangent is that of the input the forward pass took (its argmax).
    /// </summary>
    MaxPool2dTangent,
    /// <summary>
    /// The tangent of a <see cref="Conv2dGrad"/> part bilinear in the adjoint and the other operand (forward mode over
    /// the pullback, for a Hessian-vector product): <see cref="Node.Value"/> 0 t(∂/∂x) = convᵀ(W, tg) + convᵀ(tW, g),
    /// 1 t(∂/∂W) = tg⋆x + g⋆tx; from the adjoint g <c>Args[0]</c>, the forward <see cref="Conv2d"/> <c>Args[1]</c>, the
    /// tangent of the other operand <c>Args[2]</c> (tW for ∂/∂x, tx for ∂/∂W) and, if nonzero, the adjoint's tangent tg <c>Args[3]</c>.
    /// </summary>
    Conv2dGradTangent,
    /// <summary>
    /// The tangent of a <see cref="BatchNormGrad"/> part bilinear in the adjoint and an operand, in evaluation mode
    /// (forward mode over the pullback, for a Hessian-vector product): <see cref="Node.Value"/> 0 t(∂/∂x) = s·(γ·tg + tγ·g),
    /// 1 t(∂/∂γ) = Σ (tg·(x − μ) + g·tx)·s; from the adjoint g <c>Args[0]</c>, the forward <see cref="BatchNorm"/>
    /// <c>Args[1]</c>, the tangent of the other operand <c>Args[2]</c> (tγ for ∂/∂x, tx for ∂/∂γ) and, if nonzero, the
    /// adjoint's tangent tg <c>Args[3]</c>.
    /// </summary>
    BatchNormGradTangent,
}
