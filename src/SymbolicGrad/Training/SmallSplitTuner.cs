using SymbolicGrad.CompilerServices;

namespace SymbolicGrad;

/// <summary>
/// A <see cref="Trainer"/>'s choice between running the small memory-bound passes of its steps on one thread or split
/// over the worker pool (<see cref="SmallSplit"/>), made by timing its own steps: alternating blocks of steps with each
/// choice, then the faster one until the next probe. The choice changes no result, so the tuning is invisible except
/// in the time. Only steps in which the choice mattered (a pass of that size ran) count.
/// </summary>
/// <remarks>Used by one thread at a time: a model's steps are serialised by <see cref="ParameterStore"/>.</remarks>
internal sealed class SmallSplitTuner
{
    /// <summary>Steps of one choice in a row during a probe; the first of each block is not timed (it finds the other choice's cache layout).</summary>
    internal const int BlockSteps = 8;

    /// <summary>Rounds of a probe: each times a block of both choices (in alternating order).</summary>
    internal const int ProbeRounds = 8;

    /// <summary>Steps (that mattered) between the end of one probe and the next: the machine's speed drifts.</summary>
    internal const int StepsBetweenProbes = 2048;

    /// <summary>The split must take at most this share of the unsplit time (median of the rounds) to be chosen: it uses two cores.</summary>
    internal const double SplitAtMost = 0.97;

    private readonly double[] _ratios = new double[ProbeRounds];
    private readonly long[] _ticks = new long[2];
    private bool _probing = true;
    private bool _split;
    private int _round;
    private int _block;     // 0 or 1: which block of the round is running
    private int _stepInBlock;
    private int _sinceProbe;

    /// <summary>Whether the next step splits the small passes.</summary>
    internal bool NextSplits => _probing ? BlockSplits(_round, _block) : _split;

    /// <summary>Whether the last probe chose to split (false before the first probe ends).</summary>
    internal bool Splits => _split;

    /// <summary>Probes completed so far.</summary>
    internal int Probes { get; private set; }

    /// <summary>Records a step that ran with <see cref="NextSplits"/>: its time and whether the choice mattered in it.</summary>
    /// <param name="ticks">The step's wall time, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</param>
    /// <param name="mattered">Whether a pass in the step would have split differently under the other choice.</param>
    internal void Record(long ticks, bool mattered)
    {
        if (!mattered)
        {
            return;
        }

        if (!_probing)
        {
            if (++_sinceProbe >= StepsBetweenProbes)
            {
                _probing = true;
                _round = _block = _stepInBlock = 0;
            }

            return;
        }

        if (_stepInBlock > 0)
        {
            _ticks[BlockSplits(_round, _block) ? 1 : 0] += ticks;
        }

        if (++_stepInBlock < BlockSteps)
        {
            return;
        }

        _stepInBlock = 0;
        if (++_block < 2)
        {
            return;
        }

        _block = 0;
        _ratios[_round] = _ticks[0] > 0 ? (double)_ticks[1] / _ticks[0] : 1;
        _ticks[0] = _ticks[1] = 0;
        if (++_round < ProbeRounds)
        {
            return;
        }

        // An insertion sort of the eight ratios: Array.Sort's first call allocates, and a step allocates nothing.
        for (int i = 1; i < ProbeRounds; i++)
        {
            double ratio = _ratios[i];
            int j = i - 1;
            for (; j >= 0 && _ratios[j] > ratio; j--)
            {
                _ratios[j + 1] = _ratios[j];
            }

            _ratios[j + 1] = ratio;
        }

        double median = (_ratios[ProbeRounds / 2 - 1] + _ratios[ProbeRounds / 2]) / 2;
        _split = median <= SplitAtMost;
        _probing = false;
        _sinceProbe = 0;
        _round = 0;
        Probes++;
    }

    // Rounds alternate which choice goes first, so a drift in speed during the probe favours neither.
    private static bool BlockSplits(int round, int block) => (round + block) % 2 == 1;
}
