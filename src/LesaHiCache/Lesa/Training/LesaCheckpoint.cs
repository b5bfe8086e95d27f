using System.Text.Json;
using Microsoft.Extensions.Logging;
using TorchSharp.Modules;

namespace LesaHiCache.Lesa.Training;

/// <summary>A training run's checkpoint folder: predictor, optimiser, state, and the best weights so far.</summary>
internal sealed class LesaCheckpoint(string folder, ILogger logger)
{
    private const string PredictorFile = "predictor.safetensors";
    private const string OptimizerFile = "optimizer.bin";
    private const string StateFile = "state.json";
    private const string BestFile = "best.safetensors";

    /// <summary>The saved state of <paramref name="setup"/> with its weights and moments restored, or a fresh state.</summary>
    public LesaTrainingState Resume(LesaPredictor predictor, AdamW optimizer, string setup)
    {
        var statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath))
        {
            return new LesaTrainingState { Setup = setup };
        }

        var state = JsonSerializer.Deserialize<LesaTrainingState>(File.ReadAllText(statePath)) ?? throw new FormatException($"'{statePath}' is empty.");
        if (state.Setup != setup)
        {
            throw new InvalidOperationException($"'{folder}' holds a checkpoint of another LESA setup (model, times, schedule, shape or options): use another folder or delete it.");
        }

        CopyWeights(Path.Combine(folder, PredictorFile), predictor);
        optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
        LesaTrainingLog.Resuming(logger, state.Phase1Step, state.Phase2Step, folder);
        return state;
    }

    public void Save(LesaPredictor predictor, AdamW optimizer, LesaTrainingState state)
    {
        predictor.Save(Path.Combine(folder, PredictorFile));
        optimizer.save_state_dict(Path.Combine(folder, OptimizerFile));
        Weights.AtomicFile.WriteAllBytes(Path.Combine(folder, StateFile), JsonSerializer.SerializeToUtf8Bytes(state));
        LesaTrainingLog.Checkpoint(logger, state.Phase1Step, state.Phase2Step, folder);
    }

    public void SaveBest(LesaPredictor predictor) => predictor.Save(Path.Combine(folder, BestFile));

    public void RestoreBest(LesaPredictor predictor) => CopyWeights(Path.Combine(folder, BestFile), predictor);

    private static void CopyWeights(string path, LesaPredictor predictor)
    {
        Weights.WeightsLoader.Load(predictor, path);
        predictor.WeightsChanged();
    }
}
