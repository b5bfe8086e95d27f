namespace LesaHiCache.Lesa.Training;

/// <summary>The order episodes are visited in, reshuffled every epoch from the training seed.</summary>
internal static class EpisodeOrder
{
    public static int[] Of(int seed, int episodes, int epoch)
    {
        var order = Enumerable.Range(0, episodes).ToArray();
        new Random(unchecked((seed * 1_000_003) + epoch)).Shuffle(order);
        return order;
    }
}
