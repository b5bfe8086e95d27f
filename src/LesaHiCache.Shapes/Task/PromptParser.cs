namespace LesaHiCache.Shapes.Task;

/// <summary>Recursive-descent parser of the prompt grammar (see <see cref="Vocabulary"/>).</summary>
internal static class PromptParser
{
    public static ScenePrompt Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = WordSplitter.Split(text);
        WordSplitter.ThrowOnUnknownWords(words);
        var cursor = new WordCursor(words);
        var objects = new List<SceneObject> { Object(cursor) };
        if (cursor.Peek() == "and")
        {
            cursor.Skip();
            objects.Add(Object(cursor));
        }

        var prompt = new ScenePrompt(objects, cursor.BackgroundAndEnd());
        SceneLayout.ThrowIfInvalid(prompt);
        return prompt;
    }

    private static SceneObject Object(WordCursor cursor)
    {
        var (size, color, shape) = cursor.Article();
        cursor.Expect("at");
        cursor.Expect("the");
        return new SceneObject(size, color, shape, cursor.Position());
    }
}
