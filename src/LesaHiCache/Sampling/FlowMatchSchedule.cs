namespace LesaHiCache.Sampling;

/// <summary>
/// The S + 1 flow times of an S-step sampler: linspace(1, 1/S, S) shifted, then 0
/// (diffusers' FLUX pipeline with <c>FlowMatchEulerDiscreteScheduler</c>).
/// </summary>
public sealed class FlowMatchSchedule
{
    private readonly double[] times;

    /// <summary>Builds the schedule for <paramref name="steps"/> steps of an image with this many tokens.</summary>
    public FlowMatchSchedule(int steps, TimestepShift shift, int imageTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentNullException.ThrowIfNull(shift);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageTokens, 1);
        times = new double[steps + 1];
        for (var i = 0; i < steps; i++)
        {
            var uniform = steps == 1 ? 1.0 : 1.0 + i * (1.0 / steps - 1.0) / (steps - 1);
            times[i] = shift.Apply(uniform, imageTokens);
        }

        times[steps] = 0;
    }

    /// <summary>Number of steps S.</summary>
    public int Steps => times.Length - 1;

    /// <summary>t_0 = 1 (noise) ... t_S = 0 (data).</summary>
    public IReadOnlyList<double> Times => times;
}
