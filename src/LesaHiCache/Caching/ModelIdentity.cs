using static TorchSharp.torch;

namespace LesaHiCache.Caching;

/// <summary>
/// The model a generation runs on, for forecasters whose files are bound to one model (LESA
/// predictors). A host passes a new one to <see cref="CacheSession.BeginGeneration"/> for every
/// generation; its <see cref="Fingerprint"/> is computed from the weights when first asked (only
/// bound forecasters ask), so weights changed in place between generations are seen.
/// </summary>
public sealed class ModelIdentity
{
    private readonly nn.Module? module;
    private string? fingerprint;

    private ModelIdentity(nn.Module? module, string? fingerprint)
    {
        this.module = module;
        this.fingerprint = fingerprint;
    }

    /// <summary>The fingerprint of the weights (<see cref="Lesa.ModelFingerprint"/>), computed on first use.</summary>
    public string Fingerprint => fingerprint ??= Lesa.ModelFingerprint.Of(module!);

    /// <summary>The identity of <paramref name="module"/>'s weights (read on first use of <see cref="Fingerprint"/>).</summary>
    public static ModelIdentity Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return new(module, null);
    }

    /// <summary>An identity known by its fingerprint, e.g. one computed once for weights that never change.</summary>
    public static ModelIdentity FromFingerprint(string fingerprint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprint);
        return new(null, fingerprint);
    }
}
