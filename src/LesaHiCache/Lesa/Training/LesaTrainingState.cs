namespace LesaHiCache.Lesa.Training;

/// <summary>Where a training run is, as its checkpoint's <c>state.json</c> keeps it.</summary>
internal sealed class LesaTrainingState
{
    /// <summary>The setup it belongs to (predictor description and options): a checkpoint of another setup is refused.</summary>
    public string Setup { get; set; } = "";

    public int Phase1Step { get; set; }

    public int Phase2Step { get; set; }

    /// <summary>Wall time over resumed runs.</summary>
    public double WallSeconds { get; set; }

    public List<float> Phase1Losses { get; set; } = [];

    public List<float> Phase2Losses { get; set; } = [];

    public List<ValidationPoint> Validations { get; set; } = [];
}
