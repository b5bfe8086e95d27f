namespace LesaHiCache.Weights;

/// <summary>What went wrong when weights could not be loaded.</summary>
public enum WeightsLoadErrorKind
{
    /// <summary>The file or folder does not exist, or a folder holds no recognised weights file.</summary>
    NotFound,

    /// <summary>An index.json names a shard file that does not exist.</summary>
    MissingShard,

    /// <summary>A file is shorter than its header says (header or tensor data cut off).</summary>
    Truncated,

    /// <summary>A file or index is malformed: bad JSON, absurd header length, inconsistent offsets or byte counts.</summary>
    Corrupt,

    /// <summary>A tensor uses a safetensors dtype this library cannot load.</summary>
    UnsupportedDtype,

    /// <summary>The module has keys the checkpoint lacks.</summary>
    MissingKeys,

    /// <summary>The checkpoint has keys the module lacks.</summary>
    UnexpectedKeys,

    /// <summary>A checkpoint tensor's shape differs from the module's.</summary>
    ShapeMismatch,

    /// <summary>A checkpoint tensor's dtype cannot be (or, with <c>WeightsLoadOptions.ExactDtype</c>, may not be) converted to the module's.</summary>
    DtypeMismatch,

    /// <summary>Reading tensor data failed after validation succeeded (I/O error, file changed on disk).</summary>
    ReadFailed,
}
