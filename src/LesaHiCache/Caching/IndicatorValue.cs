namespace LesaHiCache.Caching;

/// <summary>The value an adaptive schedule compared with its threshold on one step (see <see cref="Schedules.IStepPlanner.LastIndicator"/>).</summary>
/// <param name="Step">The step.</param>
/// <param name="Value">The compared value (a relative change, or an accumulated one, as the schedule defines it).</param>
public readonly record struct IndicatorValue(int Step, double Value);
