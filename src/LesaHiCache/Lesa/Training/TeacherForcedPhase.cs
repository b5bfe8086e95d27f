using static TorchSharp.torch;

namespace LesaHiCache.Lesa.Training;

/// <summary>
/// Phase 1: no transformer runs. Each optimiser step takes one would-be forecast step s and a group of
/// episodes, predicts F_s from the recorded history F_{s-1} .. F_{s-K}, and gives the L1 loss against
/// the recorded F_s (teacher forcing).
/// </summary>
internal sealed class TeacherForcedPhase(LesaPredictor predictor, IReadOnlyList<LesaEpisode> episodes, int[] forecastSteps, LesaTrainingOptions options, Device device)
{
    /// <summary>The loss of optimiser step <paramref name="step"/> (within the current dispose scope).</summary>
    public Tensor Loss(int step)
    {
        var groups = (episodes.Count + options.EpisodesPerStep - 1) / options.EpisodesPerStep;
        var perEpoch = groups * forecastSteps.Length;
        var epoch = step / perEpoch;
        var within = step % perEpoch;
        var group = within / forecastSteps.Length;
        var s = forecastSteps[within % forecastSteps.Length];
        var chosen = EpisodeOrder.Of(options.Seed, episodes.Count, epoch).Skip(group * options.EpisodesPerStep).Take(options.EpisodesPerStep).Select(e => episodes[e]).ToList();
        using var indices = tensor(Enumerable.Range(1, predictor.ExpertOf(s).History).Select(k => (long)Math.Max(s - k, 0)).ToArray());
        // The rows of every item, grouped by the expert set that forecasts them (one group for a shared predictor).
        var parts = chosen
            .SelectMany(e => e.Features.SelectMany(f => LesaRowsOf.Split(f.Value, LesaRowsOf.Item(predictor.Info.CfgExperts, e.Cfg, f.Key.Branch), dim: 1)))
            .ToList();
        var predictions = new List<Tensor>();
        var targets = new List<Tensor>();
        foreach (var set in parts.GroupBy(p => p.Unconditional))
        {
            var history = cat(set.Select(p => p.Part.index_select(0, indices)).ToList(), 1).to(device).to_type(ScalarType.Float32);
            targets.Add(cat(set.Select(p => p.Part[s]).ToList(), 0).to(device).to_type(ScalarType.Float32));
            predictions.Add(predictor.ExpertOf(s, set.Key).Predict(history, predictor.Gain(s, set.Key)));
        }

        return nn.functional.l1_loss(cat(predictions, 0), cat(targets, 0));
    }
}
