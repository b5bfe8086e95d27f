using LesaHiCache.Shapes.Task;

namespace LesaHiCache.Shapes.Video;

/// <summary>Recursive-descent parser of the clip prompt grammar (see <see cref="ClipVocabulary"/>).</summary>
internal static class ClipPromptParser
{
    public static ClipPrompt Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = WordSplitter.Split(text);
        ClipVocabulary.ThrowOnUnknownWords(words);
        var cursor = new WordCursor(words);
        var objects = new List<ClipObject> { Object(cursor) };
        if (cursor.Peek() == "and")
        {
            cursor.Skip();
            objects.Add(Object(cursor));
        }

        var prompt = new ClipPrompt(objects, cursor.BackgroundAndEnd());
        ClipLayout.ThrowIfInvalid(prompt);
        return prompt;
    }

    private static ClipObject Object(WordCursor cursor)
    {
        var (size, color, shape) = cursor.Article();
        if (cursor.OneOf("'moving' or 'still'", ["moving", "still"]) == "still")
        {
            cursor.Expect("at");
            cursor.Expect("the");
            var at = cursor.Position();
            return new ClipObject(size, color, shape, at, at);
        }

        cursor.Expect("from");
        cursor.Expect("the");
        var from = cursor.Position();
        cursor.Expect("to");
        cursor.Expect("the");
        var to = cursor.Position();
        if (from == to)
        {
            throw new PromptException($"A moving object must end elsewhere than it starts (both are '{from}'); say 'still at the {from}'.");
        }

        return new ClipObject(size, color, shape, from, to);
    }
}
