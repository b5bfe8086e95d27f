using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace LesaHiCache.Lesa;

/// <summary>
/// A cheap identity of a model's weights: SHA-256 over every state-dict key, dtype and shape, and
/// the first and last <see cref="SampledValues"/> values of every tensor (as float32). Any retrained
/// or fine-tuned model changes it; computing it reads a few kilobytes even for a 12B model.
/// </summary>
public static class ModelFingerprint
{
    /// <summary>Values read from each end of every tensor.</summary>
    public const int SampledValues = 64;

    /// <summary>The fingerprint of <paramref name="module"/>'s state dict, as "sha256:" + hex.</summary>
    public static string Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Of(module.state_dict());
    }

    /// <summary>The fingerprint of a state dict (keys in ordinal order).</summary>
    public static string Of(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var _ = no_grad();
        foreach (var (key, value) in stateDict.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{key}|{value.dtype}|{string.Join(",", value.shape)};")));
            if (value.device.type == TorchSharp.DeviceType.META || value.NumberOfElements == 0)
            {
                continue;
            }

            using var flat = value.detach().reshape(-1);
            var n = flat.shape[0];
            using var ends = n <= 2 * SampledValues ? flat.clone() : cat([flat.narrow(0, 0, SampledValues), flat.narrow(0, n - SampledValues, SampledValues)]);
            using var values = ends.to_type(ScalarType.Float32).cpu();
            var floats = values.data<float>().ToArray();
            var bytes = new byte[floats.Length * sizeof(float)];
            Buffer.BlockCopy(floats, 0, bytes, 0, bytes.Length);
            hash.AppendData(bytes);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
