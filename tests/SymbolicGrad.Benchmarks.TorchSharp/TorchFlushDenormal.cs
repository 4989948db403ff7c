using System.Runtime.InteropServices;

namespace SymbolicGrad.Benchmarks.TorchComparison;

/// <summary>
/// <c>--torch-flush-denormal</c>: PyTorch's <c>torch.set_flush_denormal(True)</c>, which TorchSharp 0.107 does not wrap,
/// called in libtorch (<c>at::globalContext().setFlushDenormal(true)</c>). It sets the FTZ and DAZ bits of the calling
/// thread's MXCSR; threads created afterwards (libtorch's intra-op pool, our worker pool) inherit them, so called first
/// thing it holds for every contender, ours included (.NET code on those threads flushes too).
/// </summary>
internal static class TorchFlushDenormal
{
    [DllImport("libtorch_cpu.so", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu.so", EntryPoint = "_ZN2at7Context16setFlushDenormalEb")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool SetFlushDenormal(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool on);

    /// <summary>Turns flushing on for this thread and those it creates later; returns what the hardware then does to 2⁻¹²⁶·0.5.</summary>
    public static string TurnOn()
    {
        _ = TorchSharp.torch.get_num_threads(); // loads libtorch, so the names below resolve to the copy TorchSharp uses
        bool supported = SetFlushDenormal(GlobalContext(), true);
        float half = Half(1.17549435e-38f);
        return $"torch flush denormal: {(supported ? "on" : "NOT SUPPORTED")}; 2^-126 * 0.5 on this thread = {half:R}";
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static float Half(float x) => x * 0.5f;
}
