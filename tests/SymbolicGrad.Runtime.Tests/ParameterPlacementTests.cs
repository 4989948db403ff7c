using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SymbolicGrad.CompilerServices;

namespace SymbolicGrad.Runtime.Tests;

/// <summary>
/// Parameters, gradients, layer state and every optimizer's state start on a 64-byte cache line, in every process:
/// after construction, after the store grows or is trimmed, after a step and after a checkpoint is loaded.
/// </summary>
public class ParameterPlacementTests
{
    private sealed class Net : Model
    {
        public readonly Mat W1;
        public readonly Vec B1;
        public readonly BatchNorm Norm;
        public readonly Mat W2;
        public readonly Vec B2;

        public Net()
        {
            W1 = Parameters.Matrix(13, 7, Init.He(1));
            B1 = Parameters.Vector(13, Init.Normal(0.1f, 2));
            Norm = Parameters.BatchNorm(13);
            W2 = Parameters.Matrix(3, 13, Init.Xavier(3));
            B2 = Parameters.Vector(3, Init.Normal(0.1f, 4));
        }
    }

    // Bytes past a 64-byte line at which element 0 of the array starts (pinned for the reading only).
    private static long LineOffset(float[] array)
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            return (long)handle.AddrOfPinnedObject() % 64;
        }
        finally
        {
            handle.Free();
        }
    }

    private static void AssertStartsOnALine(float[] array, string what)
    {
        Assert.True(array.Length > 0, $"{what} is empty");
        Assert.True(LineOffset(array) == 0, $"{what} starts {LineOffset(array)} bytes past a cache line");
    }

    // The store's three arrays start on a line, and its spans start at their element 0 (views keep offset 0).
    private static void AssertStorePlaced(ParameterStore store, Vec first, Vec firstState)
    {
        AssertStartsOnALine(first.Array, "the values");
        AssertStartsOnALine(store.GradientOf(first).Array, "the gradients");
        Assert.True(Unsafe.AreSame(ref store.Values[0], ref first.Array[0]), "Values does not start at element 0");
        Assert.True(Unsafe.AreSame(ref store.Gradients[0], ref store.GradientOf(first).Array[0]), "Gradients does not start at element 0");
        if (store.StateCount > 0)
        {
            AssertStartsOnALine(firstState.Array, "the state");
            Assert.True(Unsafe.AreSame(ref store.State[0], ref firstState.Array[0]), "State does not start at element 0");
        }
    }

    [Fact]
    public void ValuesGradientsAndStateStartOnALineAfterConstruction()
    {
        var net = new Net();
        AssertStorePlaced(net.Parameters, net.W1.AsVec(), net.Norm.RunningMean);
        Assert.Equal(0, net.W1.Offset);
        Assert.Equal(91, net.B1.Offset);
    }

    [Fact]
    public void GrowingAndTrimmingTheStoreKeepsTheLineAndTheValues()
    {
        var store = new ParameterStore();
        var first = store.Vector(5, Init.Normal(1f, 7));
        float[] expected = first.ToArray();
        int arrays = 0, offset = 5;
        float[] seen = [];
        for (int i = 0; i < 40; i++)
        {
            var v = store.Vector(11 + i, Init.Normal(1f, 8 + i));
            Assert.Equal(offset, v.Offset);
            offset += 11 + i;
            if (!ReferenceEquals(seen, first.Array))
            {
                seen = first.Array;
                arrays++;
                AssertStorePlaced(store, first, default);
            }
        }

        Assert.True(arrays >= 4, $"the store grew {arrays - 1} times; the test means to cover several");
        Assert.Equal(expected, first.ToArray());
        store.TrimExcess();
        Assert.Equal(store.Count, first.Array.Length);
        AssertStorePlaced(store, first, default);
        Assert.Equal(expected, first.ToArray());
    }

    public static TheoryData<string> Optimizers => ["sgd+clip", "momentum", "nesterov", "adam", "adamw", "rmsprop", "momentum+decay"];

    private static Optimizer Create(string name) => name switch
    {
        "sgd+clip" => new Sgd(0.1f) { MaxGradientNorm = 1f },
        "momentum" => new Momentum(0.1f),
        "nesterov" => new Nesterov(0.1f),
        "adam" => new Adam(0.01f),
        "adamw" => new AdamW(0.01f),
        "rmsprop" => new RmsProp(0.01f),
        "momentum+decay" => new Momentum(0.1f) { WeightDecay = 0.01f },
        _ => throw new ArgumentException(name),
    };

    private static void AssertOptimizerPlaced(Optimizer optimizer, int count, string name)
    {
        foreach (var (buffer, i) in optimizer.CheckpointState.Select((b, i) => (b, i)))
        {
            Assert.Equal(count, buffer.Length);
            AssertStartsOnALine(buffer, $"{name}'s state buffer {i}");
        }

        if (optimizer.EffectiveGradients is { } effective)
        {
            Assert.Equal(count, effective.Length);
            AssertStartsOnALine(effective, $"{name}'s clipped gradient");
        }
        else
        {
            Assert.DoesNotContain("+", name);
        }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void EveryOptimizerStateStartsOnALineAfterAStepAndAfterLoadingACheckpoint(string name)
    {
        var net = new Net();
        var store = net.Parameters;
        for (int i = 0; i < store.Count; i++)
        {
            store.Gradients[i] = MathF.Sin(i);
        }

        var optimizer = Create(name);
        optimizer.Step(store.Values, store.Gradients);
        AssertOptimizerPlaced(optimizer, store.Count, name);

        string path = Path.Combine(Path.GetTempPath(), $"placement-{name}-{Guid.NewGuid():N}.sgck");
        try
        {
            Checkpoint.Save(store, path, optimizer);
            var loadedNet = new Net();
            var loaded = Create(name);
            Checkpoint.Load(loadedNet.Parameters, path, loaded);
            AssertStorePlaced(loadedNet.Parameters, loadedNet.W1.AsVec(), loadedNet.Norm.RunningMean);
            AssertOptimizerPlaced(loaded, store.Count, name);
            Assert.Equal(store.Values.ToArray(), loadedNet.Parameters.Values.ToArray());
            for (int b = 0; b < optimizer.CheckpointState.Count; b++)
            {
                Assert.Equal(optimizer.CheckpointState[b], loaded.CheckpointState[b]);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AGrownFloatWorkspaceStartsOnALineAndAKeptOneIsReturnedAsIs()
    {
        float[] small = Workspace.Grow(Array.Empty<float>(), 10);
        AssertStartsOnALine(small, "a grown workspace");
        Assert.Same(small, Workspace.Grow(small, 7));
        float[] larger = Workspace.Grow(small, 1000);
        Assert.Equal(1000, larger.Length);
        AssertStartsOnALine(larger, "a workspace grown again");
        Assert.Equal(5, Workspace.Grow(Array.Empty<int>(), 5).Length);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(100, 0)]
    [InlineData(101_770, 0)]
    [InlineData(100, 16)]
    [InlineData(3, 32)]
    [InlineData(5000, 56)]
    public void AnArrayStartsWhereItIsAskedToAndIsZeroed(int length, int lineOffset)
    {
        var array = AlignedBuffer.AllocateArray(length, lineOffset);
        Assert.Equal(length, array.Length);
        Assert.Equal(lineOffset, LineOffset(array));
        Assert.All(array, v => Assert.Equal(0f, v));
        Assert.Empty(AlignedBuffer.AllocateArray(0, lineOffset));
    }
}
