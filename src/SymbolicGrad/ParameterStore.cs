using System.Reflection;

namespace SymbolicGrad;

/// <summary>
/// All parameters of a model in one contiguous float buffer, and their gradients in a second buffer of the same
/// layout; <see cref="Matrix"/>, <see cref="Vector"/> and the layers (<see cref="BatchNorm"/>,
/// <see cref="Conv2d"/>) hand out views into it. Non-trainable values that layers update themselves (batch-norm
/// running statistics) live in a third buffer, <see cref="State"/>.
/// </summary>
/// <remarks>
/// Design: parameters are allocated one by one (in the model's constructor) before the total size is known, so the
/// buffer grows by doubling. The views returned hold a handle to the buffer rather than the array itself and
/// resolve it at each access; when the buffer is reallocated, every view already stored in a field sees the new
/// array, and all values remain one contiguous array. A span taken from a view or from <see cref="Values"/> points
/// to the array of that moment: take spans after the model is built, not across allocations.
/// </remarks>
public sealed partial class ParameterStore
{
    private readonly GrowableBuffer _values = new();
    private readonly GrowableBuffer _gradients = new();
    private readonly GrowableBuffer _state = new();
    private readonly List<ParameterInfo> _layout = [];
    private readonly List<ParameterInfo> _stateLayout = [];
    private readonly object? _owner;

    // The model's mode and random stream live here, next to the state they govern, so that a checkpoint of the store
    // (with or without a Model) holds everything needed to resume; Model exposes them.
    private bool _training = true;
    internal long RandomSeed;
    internal long RandomStep;

    /// <summary>Creates an empty store (a <see cref="Model"/> creates its own).</summary>
    public ParameterStore()
    {
    }

    internal ParameterStore(object owner) => _owner = owner;

    /// <summary>Total number of parameter elements.</summary>
    public int Count { get; private set; }

    /// <summary>Every parameter value, one contiguous span in allocation order.</summary>
    public Span<float> Values => _values.Array.AsSpan(0, Count);

    /// <summary>Every gradient, same layout as <see cref="Values"/>; generated gradient code adds into it.</summary>
    public Span<float> Gradients => _gradients.Array.AsSpan(0, Count);

    /// <summary>
    /// Held by generated gradient code while it adds one parameter's gradient into <see cref="Gradients"/>, so calls
    /// on several threads add one at a time and the gradients end up the sum a sequential run gives (up to the order
    /// of floating-point additions). Code that adds into <see cref="Gradients"/> while generated gradient methods
    /// may run on other threads should hold it too (<c>lock (model.Parameters.GradientLock) { … }</c>).
    /// </summary>
    /// <remarks>A monitor rather than a <see cref="Lock"/>: a contended <see cref="Lock"/> allocates, and training steps must not.</remarks>
    public object GradientLock { get; } = new();

    /// <summary>The parameters in allocation order with names, offsets and shapes (e.g. for checkpoints).</summary>
    public IReadOnlyList<ParameterInfo> Layout
    {
        get
        {
            NameFromOwnerFields();
            return _layout;
        }
    }

    /// <summary>Number of non-trainable state elements (e.g. batch-norm running statistics).</summary>
    public int StateCount { get; private set; }

    /// <summary>
    /// The non-trainable state, one contiguous span in allocation order: values a layer updates itself (batch
    /// normalization's running mean and variance) rather than the optimizer. Checkpoints save it; it has no gradient.
    /// </summary>
    public Span<float> State => _state.Array.AsSpan(0, StateCount);

    /// <summary>The state elements in allocation order with names, offsets (into <see cref="State"/>) and shapes.</summary>
    public IReadOnlyList<ParameterInfo> StateLayout
    {
        get
        {
            NameFromOwnerFields();
            return _stateLayout;
        }
    }

    /// <summary>Sets every gradient to zero (before accumulating a new minibatch).</summary>
    /// <exception cref="InvalidOperationException">Another thread is in a training step on this store.</exception>
    public void ZeroGradients()
    {
        CheckNoOtherThreadsStep("ZeroGradients");
        Gradients.Clear();
    }

    /// <summary>Allocates a rows × cols parameter matrix, filled by <paramref name="init"/> (fan-in = cols, fan-out = rows).</summary>
    /// <param name="rows">Number of rows (for a dense layer: outputs).</param>
    /// <param name="cols">Number of columns (for a dense layer: inputs).</param>
    /// <param name="init">The initializer, e.g. <see cref="Init.He"/>.</param>
    /// <param name="name">Name in <see cref="Layout"/>; by default the name of the model field holding the view.</param>
    /// <returns>A view into <see cref="Values"/>.</returns>
    /// <exception cref="InvalidOperationException">A training step is running on the model.</exception>
    public Mat Matrix(int rows, int cols, Initializer init, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        string where = $"Parameters.Matrix(rows: {rows}, cols: {cols})";
        Guard.NotNegative(rows, nameof(rows), where);
        Guard.NotNegative(cols, nameof(cols), where);
        Mat view;
        lock (GradientLock)
        {
            int offset = Allocate((long)rows * cols, where);
            _layout.Add(new ParameterInfo(name, offset, rows, cols, isMatrix: true) { Index = _layout.Count });
            view = new Mat(_values, offset, rows, cols);
        }

        init.Fill(view.Span, fanIn: cols, fanOut: rows);
        return view;
    }

    /// <summary>Allocates a parameter vector, zero-filled unless an initializer is given (fan-in = length, fan-out = 1).</summary>
    /// <param name="length">Number of elements.</param>
    /// <param name="init">The initializer; <see cref="Init.Zeros"/> when null.</param>
    /// <param name="name">Name in <see cref="Layout"/>; by default the name of the model field holding the view.</param>
    /// <returns>A view into <see cref="Values"/>.</returns>
    /// <exception cref="InvalidOperationException">A training step is running on the model.</exception>
    public Vec Vector(int length, Initializer? init = null, string? name = null)
    {
        string where = $"Parameters.Vector(length: {length})";
        Guard.NotNegative(length, nameof(length), where);
        Vec view;
        lock (GradientLock)
        {
            int offset = Allocate(length, where);
            _layout.Add(new ParameterInfo(name, offset, 1, length, isMatrix: false) { Index = _layout.Count });
            view = new Vec(_values, offset, length);
        }

        (init ?? Init.Zeros).Fill(view.Span, fanIn: length, fanOut: 1);
        return view;
    }

    /// <summary>The gradient of a parameter: the view at the same place in <see cref="Gradients"/>.</summary>
    /// <param name="parameter">A view returned by <see cref="Vector"/> of this store (or a slice of one).</param>
    public Vec GradientOf(Vec parameter)
    {
        if (!Contains(parameter))
        {
            ThrowNotOwned("GradientOf", parameter.StorageObject, parameter.Offset, parameter.ToString());
        }

        return new Vec(_gradients, parameter.Offset, parameter.Length);
    }

    /// <summary>The gradient of a parameter: the view at the same place in <see cref="Gradients"/>.</summary>
    /// <param name="parameter">A view returned by <see cref="Matrix"/> of this store (or a slice of one).</param>
    public Mat GradientOf(Mat parameter)
    {
        if (!Contains(parameter))
        {
            ThrowNotOwned("GradientOf", parameter.StorageObject, parameter.Offset, parameter.ToString());
        }

        return new Mat(_gradients, parameter.Offset, parameter.Rows, parameter.Cols);
    }

    /// <summary>True when <paramref name="view"/> is a view into this store's <see cref="Values"/>.</summary>
    /// <param name="view">Any vector view.</param>
    public bool Contains(Vec view) => ReferenceEquals(view.StorageObject, _values);

    /// <summary>True when <paramref name="view"/> is a view into this store's <see cref="Values"/>.</summary>
    /// <param name="view">Any matrix view.</param>
    public bool Contains(Mat view) => ReferenceEquals(view.StorageObject, _values);

    /// <summary>Shrinks the buffers to exactly <see cref="Count"/> (and <see cref="StateCount"/>) elements; views stay valid.</summary>
    /// <exception cref="InvalidOperationException">A training step is running.</exception>
    public void TrimExcess()
    {
        lock (GradientLock)
        {
            CheckNoStep("Parameters.TrimExcess()");
            Trim();
        }
    }

    private void Trim()
    {
        if (_values.Array.Length != Count)
        {
            _values.Resize(Count, Count);
            _gradients.Resize(Count, Count);
        }

        if (_state.Array.Length != StateCount)
        {
            _state.Resize(StateCount, StateCount);
        }
    }

    /// <summary>True when <paramref name="view"/> is a view into this store's <see cref="State"/>.</summary>
    internal bool ContainsState(Vec view) => ReferenceEquals(view.StorageObject, _state);

    /// <summary>Allocates a state vector of <paramref name="length"/> elements set to <paramref name="fill"/>, part of a layer.</summary>
    internal Vec StateVector(int length, float fill, LayerName layer, string part, string where)
    {
        lock (GradientLock)
        {
            CheckNoStep(where);
            return AllocateState(length, fill, layer, part, where);
        }
    }

    private Vec AllocateState(int length, float fill, LayerName layer, string part, string where)
    {
        long end = StateCount + (long)length;
        if (end > Array.MaxLength)
        {
            throw new InvalidOperationException($"{where}: the state would exceed {Array.MaxLength} elements.");
        }

        if (end > _state.Array.Length)
        {
            _state.Resize((int)Math.Min(Array.MaxLength, Math.Max(end, 2L * _state.Array.Length)), StateCount);
        }

        int offset = StateCount;
        StateCount = (int)end;
        _stateLayout.Add(new ParameterInfo(null, offset, 1, length, isMatrix: false, layer, part) { Index = _stateLayout.Count });
        var view = new Vec(_state, offset, length);
        view.Span.Fill(fill);
        return view;
    }

    /// <summary>Allocates a parameter vector that is part of a layer (named after it).</summary>
    internal Vec LayerVector(int length, LayerName layer, string part, string where)
    {
        lock (GradientLock)
        {
            int offset = Allocate(length, where);
            _layout.Add(new ParameterInfo(null, offset, 1, length, isMatrix: false, layer, part) { Index = _layout.Count });
            return new Vec(_values, offset, length);
        }
    }

    /// <summary>Allocates a parameter matrix that is part of a layer (named after it).</summary>
    internal Mat LayerMatrix(int rows, int cols, LayerName layer, string part, string where)
    {
        lock (GradientLock)
        {
            int offset = Allocate((long)rows * cols, where);
            _layout.Add(new ParameterInfo(null, offset, rows, cols, isMatrix: true, layer, part) { Index = _layout.Count });
            return new Mat(_values, offset, rows, cols);
        }
    }

    // Called under GradientLock, with the layout entry added before it is released.
    private int Allocate(long length, string where)
    {
        CheckNoStep(where);
        long end = Count + length;
        if (end > Array.MaxLength)
        {
            throw new InvalidOperationException($"{where}: the parameters would exceed {Array.MaxLength} elements.");
        }

        if (end > _values.Array.Length)
        {
            int capacity = (int)Math.Min(Array.MaxLength, Math.Max(end, 2L * _values.Array.Length));
            _values.Resize(capacity, Count);
            _gradients.Resize(capacity, Count);
        }

        int offset = Count;
        Count = (int)end;
        return offset;
    }

    // A generated backward pass adds into the gradient of every Vec and Mat field its method reads: name the field
    // that is not a parameter (a constant built with new Vec(...)), since the user never wrote this call.
    private void ThrowNotOwned(string where, object? storage, int offset, string shape)
    {
        string what = OwnerFieldViewing(storage, offset) is { } field ? $"the field '{field}' ({shape})" : $"the {shape} given";
        throw new ArgumentException(
            $"{where}: {what} is not a parameter of this store (it views other memory). Every Vec and Mat field a " +
            "[Differentiable] method reads gets a gradient: create a weight with Parameters.Vector or Parameters.Matrix " +
            "in the constructor, and pass constant data in through a [NoDiff] parameter instead of a field.", "parameter");
    }

    // The owner's Vec or Mat field (or element of a field array) that views storage at offset, if any.
    private string? OwnerFieldViewing(object? storage, int offset)
    {
        if (storage is null)
        {
            return null;
        }

        foreach (var (name, value) in OwnerFields())
        {
            foreach (var view in ViewsIn(name, value))
            {
                if (ReferenceEquals(view.Storage, storage) && view.Offset == offset)
                {
                    return view.Name;
                }
            }
        }

        return null;
    }

    // Names parameters after the owner's fields that hold their views (also arrays of views), for Layout.
    private void NameFromOwnerFields()
    {
        foreach (var (name, value) in OwnerFields())
        {
            foreach (var view in ViewsIn(name, value))
            {
                NameView(view.Storage, view.Offset, view.Length, view.Name);
            }

            switch (value)
            {
                case BatchNorm bn:
                    NameLayer(bn.Store, bn.Naming, name);
                    break;
                case Conv2d conv:
                    NameLayer(conv.Store, conv.Naming, name);
                    break;
                case BatchNorm?[] bns:
                    for (int i = 0; i < bns.Length; i++)
                    {
                        NameLayer(bns[i]?.Store, bns[i]?.Naming, $"{name}[{i}]");
                    }

                    break;
                case Conv2d?[] convs:
                    for (int i = 0; i < convs.Length; i++)
                    {
                        NameLayer(convs[i]?.Store, convs[i]?.Naming, $"{name}[{i}]");
                    }

                    break;
            }
        }
    }

    // The owner's instance fields, its base types' too, each with its name as the user wrote it and its value.
    private IEnumerable<(string Name, object? Value)> OwnerFields()
    {
        for (var type = _owner?.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                yield return (CleanFieldName(field.Name), field.GetValue(_owner));
            }
        }
    }

    // The Vec and Mat views a field holds (itself, or each element of an array of them), named as the user reads them.
    private static IEnumerable<(string Name, object? Storage, int Offset, int Length)> ViewsIn(string name, object? value)
    {
        switch (value)
        {
            case Vec v:
                yield return (name, v.StorageObject, v.Offset, v.Length);
                break;
            case Mat m:
                yield return (name, m.StorageObject, m.Offset, m.Length);
                break;
            case Vec[] vs:
                for (int i = 0; i < vs.Length; i++)
                {
                    yield return ($"{name}[{i}]", vs[i].StorageObject, vs[i].Offset, vs[i].Length);
                }

                break;
            case Mat[] ms:
                for (int i = 0; i < ms.Length; i++)
                {
                    yield return ($"{name}[{i}]", ms[i].StorageObject, ms[i].Offset, ms[i].Length);
                }

                break;
        }
    }

    private void NameLayer(ParameterStore? store, LayerName? layer, string name)
    {
        if (ReferenceEquals(store, this) && layer is not null)
        {
            layer.FieldName ??= name;
        }
    }

    private void NameView(object? storage, int offset, int length, string name)
    {
        if (!ReferenceEquals(storage, _values))
        {
            return;
        }

        foreach (var info in _layout)
        {
            if (info.Offset == offset && info.Length == length && info.FieldName is null && info.Layer is null)
            {
                info.FieldName = name;
                return;
            }
        }
    }

    // Auto-property backing fields are named "<Name>k__BackingField".
    private static string CleanFieldName(string name) =>
        name.StartsWith('<') && name.IndexOf('>') is > 0 and var end ? name[1..end] : name;
}
