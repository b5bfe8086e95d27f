namespace LesaHiCache.Weights;

/// <summary>
/// Splits tensors into shards the way huggingface_hub's <c>split_torch_state_dict_into_shards</c> does (used by
/// diffusers' <c>save_pretrained</c>): in order, start a new shard when the next tensor would push the current one past
/// the limit; a tensor larger than the limit gets a shard of its own.
/// </summary>
internal static class ShardPlanner
{
    public static List<List<string>> Plan(IEnumerable<(string Key, long Bytes)> tensors, long maxShardBytes)
    {
        var shards = new List<List<string>>();
        var current = new List<string>();
        long currentBytes = 0;
        foreach (var (key, bytes) in tensors)
        {
            if (bytes > maxShardBytes)
            {
                shards.Add([key]);
                continue;
            }

            if (currentBytes + bytes > maxShardBytes)
            {
                shards.Add(current);
                current = [];
                currentBytes = 0;
            }

            current.Add(key);
            currentBytes += bytes;
        }

        if (current.Count > 0 || shards.Count == 0)
        {
            shards.Add(current);
        }

        return shards;
    }
}
