using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Shapes.Video;

/// <summary>Samples valid clip prompts; the same seed gives the same sequence.</summary>
public sealed class ClipGrammar
{
    private readonly Random random;

    /// <summary>
    /// Creates a sampler: <paramref name="twoObjectProbability"/> of the prompts have two objects and
    /// each object is still with <paramref name="stillProbability"/> (else it moves between two different cells).
    /// </summary>
    public ClipGrammar(int seed, double twoObjectProbability = 0.5, double stillProbability = 0.25)
    {
        if (twoObjectProbability is < 0 or > 1 || double.IsNaN(twoObjectProbability))
        {
            throw new ArgumentOutOfRangeException(nameof(twoObjectProbability), twoObjectProbability, "Must be in [0, 1].");
        }

        if (stillProbability is < 0 or > 1 || double.IsNaN(stillProbability))
        {
            throw new ArgumentOutOfRangeException(nameof(stillProbability), stillProbability, "Must be in [0, 1].");
        }

        random = new Random(seed);
        TwoObjectProbability = twoObjectProbability;
        StillProbability = stillProbability;
    }

    /// <summary>Share of prompts with two objects.</summary>
    public double TwoObjectProbability { get; }

    /// <summary>Share of objects that stay still.</summary>
    public double StillProbability { get; }

    /// <summary>The next prompt.</summary>
    public ClipPrompt Next()
    {
        var background = Pick(Vocabulary.Backgrounds).Name;
        var first = NewObject(_ => true);
        if (random.NextDouble() >= TwoObjectProbability)
        {
            return new ClipPrompt([first], background);
        }

        // Drawn until it never touches the first; a large object crossing the center may leave no room.
        for (var tries = 0; tries < 200; tries++)
        {
            var second = NewObject(color => color != first.Color);
            if (ClipLayout.Separated(first, second))
            {
                return new ClipPrompt([first, second], background);
            }
        }

        return new ClipPrompt([first], background);
    }

    /// <summary>The next <paramref name="count"/> prompts.</summary>
    public IReadOnlyList<ClipPrompt> Take(int count) => Enumerable.Range(0, count).Select(_ => Next()).ToList();

    /// <summary>The first <paramref name="count"/> prompts of <paramref name="seed"/>'s sequence that are not in <paramref name="excluded"/>.</summary>
    public static IReadOnlyList<ClipPrompt> TakeExcept(int seed, int count, IReadOnlySet<string> excluded)
    {
        ArgumentNullException.ThrowIfNull(excluded);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var grammar = new ClipGrammar(seed);
        var chosen = new List<ClipPrompt>();
        for (var tries = 0; chosen.Count < count; tries++)
        {
            if (tries > (100 * count) + excluded.Count)
            {
                throw new InvalidOperationException($"Could not draw {count} clip prompts outside the {excluded.Count} excluded ones.");
            }

            var prompt = grammar.Next();
            if (!excluded.Contains(prompt.Text))
            {
                chosen.Add(prompt);
            }
        }

        return chosen;
    }

    private ClipObject NewObject(Func<string, bool> colorAllowed)
    {
        var size = Pick(Vocabulary.Sizes).Word;
        var color = Pick(Vocabulary.ObjectColors.Where(c => colorAllowed(c.Name)).ToList()).Name;
        var shape = Pick(Vocabulary.Shapes);
        var from = Pick(Vocabulary.Positions).Phrase;
        if (random.NextDouble() < StillProbability)
        {
            return new ClipObject(size, color, shape, from, from);
        }

        var to = Pick(Vocabulary.Positions.Where(p => p.Phrase != from).ToList()).Phrase;
        return new ClipObject(size, color, shape, from, to);
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
