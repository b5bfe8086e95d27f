namespace LesaHiCache.Shapes.Task;

/// <summary>Samples valid prompts; the same seed gives the same sequence of prompts.</summary>
public sealed class PromptGrammar
{
    private readonly Random random;

    /// <summary>Creates a sampler; <paramref name="twoObjectProbability"/> of the prompts have two objects.</summary>
    public PromptGrammar(int seed, double twoObjectProbability = 0.5)
    {
        random = new Random(seed);
        TwoObjectProbability = twoObjectProbability;
    }

    /// <summary>Share of prompts with two objects.</summary>
    public double TwoObjectProbability { get; }

    /// <summary>The next prompt.</summary>
    public ScenePrompt Next()
    {
        var background = Pick(Vocabulary.Backgrounds).Name;
        var first = NewObject();
        if (random.NextDouble() >= TwoObjectProbability)
        {
            return new ScenePrompt([first], background);
        }

        // Every object that fits beside the first; a large object at the center leaves no room.
        var seconds = (from size in Vocabulary.Sizes
                       from color in Vocabulary.ObjectColors
                       from shape in Vocabulary.Shapes
                       from position in Vocabulary.Positions
                       select new SceneObject(size.Word, color.Name, shape, position.Phrase))
            .Where(o => o.Color != first.Color && SceneLayout.Separated(first, o))
            .ToList();
        return seconds.Count == 0 ? new ScenePrompt([first], background) : new ScenePrompt([first, Pick(seconds)], background);
    }

    /// <summary>The next <paramref name="count"/> prompts.</summary>
    public IReadOnlyList<ScenePrompt> Take(int count) => Enumerable.Range(0, count).Select(_ => Next()).ToList();

    /// <summary>
    /// The first <paramref name="count"/> prompts of <paramref name="seed"/>'s sequence that are not in
    /// <paramref name="excluded"/> (with no exclusions, <see cref="Take"/>).
    /// </summary>
    public static IReadOnlyList<ScenePrompt> TakeExcept(int seed, int count, IReadOnlySet<string> excluded)
    {
        ArgumentNullException.ThrowIfNull(excluded);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var grammar = new PromptGrammar(seed);
        var chosen = new List<ScenePrompt>();
        for (var tries = 0; chosen.Count < count; tries++)
        {
            if (tries > (100 * count) + excluded.Count)
            {
                throw new InvalidOperationException($"Could not draw {count} prompts outside the {excluded.Count} excluded ones.");
            }

            var prompt = grammar.Next();
            if (!excluded.Contains(prompt.Text))
            {
                chosen.Add(prompt);
            }
        }

        return chosen;
    }

    private SceneObject NewObject() => new(
        Pick(Vocabulary.Sizes).Word,
        Pick(Vocabulary.ObjectColors).Name,
        Pick(Vocabulary.Shapes),
        Pick(Vocabulary.Positions).Phrase);

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
