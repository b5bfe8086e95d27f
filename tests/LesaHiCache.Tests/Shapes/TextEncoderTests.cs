using LesaHiCache.Layers;
using LesaHiCache.Shapes.Model;
using static TorchSharp.torch;

namespace LesaHiCache.Tests.Shapes;

public class TextEncoderTests
{
    private static readonly WordTokenizer Tokenizer = new();

    private static ShapesTextEncoder Encoder(bool segments, bool segmentTokensOnly = false)
    {
        manual_seed(12);
        return new ShapesTextEncoder(
            new ShapesTextEncoderConfig
            {
                VocabSize = Tokenizer.VocabularySize,
                MaxLength = Tokenizer.MaxLength,
                HiddenSize = 16,
                Heads = 2,
                SegmentSeparatorIds = segments ? [.. ShapesModel.SegmentSeparators.Select(Tokenizer.IdOf)] : [],
                SegmentTokensOnly = segmentTokensOnly,
            },
            ModuleBuild.Cpu);
    }

    private static Tensor Ids(params string[] prompts) => tensor(prompts.SelectMany(Tokenizer.Encode).ToArray(), [prompts.Length, Tokenizer.MaxLength]);

    [Fact]
    public void Segments_MarkEachObjectAndTheBackground()
    {
        using var encoder = Encoder(segments: true);
        using var ids = Ids("a small red circle at the top left and a large blue square at the right on a white background", "a small red circle at the top on a black background", "");
        using var segments = encoder.SegmentsOf(ids);
        // "a small red circle at the top left" (8 words) | "and a large blue square at the right" (8) | "on a white background" (4) | padding
        Assert.Equal([.. Enumerable.Repeat(1L, 8), .. Enumerable.Repeat(2L, 8), .. Enumerable.Repeat(3L, 4), .. Enumerable.Repeat(0L, 4)], segments[0].data<long>().ToArray());
        // One object: no second segment.
        Assert.Equal([.. Enumerable.Repeat(1L, 7), .. Enumerable.Repeat(3L, 4), .. Enumerable.Repeat(0L, 13)], segments[1].data<long>().ToArray());
        Assert.All(segments[2].data<long>().ToArray(), s => Assert.Equal(0L, s));
    }

    [Fact]
    public void PerObjectTokens_FollowTheWordTokens_AndAreTheirSegmentsMeans()
    {
        using var encoder = Encoder(segments: true);
        encoder.eval();
        using var _ = no_grad();
        using var ids = Ids("a small red circle at the top left and a large blue square at the right on a white background");
        var text = encoder.forward(ids);
        Assert.Equal([1, Tokenizer.MaxLength + 3, 16], text.Tokens.shape);
        using var withoutSegments = Encoder(segments: false);
        Assert.Equal([1, Tokenizer.MaxLength, 16], withoutSegments.forward(ids).Tokens.shape);
        // The segment tokens are a linear map of the mean of each segment's word tokens.
        var words = text.Tokens[0, ..Tokenizer.MaxLength];
        using var firstObjectMean = words[..8].mean([0L]);
        using var secondObjectMean = words[8..16].mean([0L]);
        using var segmentTokens = text.Tokens[0, Tokenizer.MaxLength..];
        var proj = encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var expectedFirst = firstObjectMean.matmul(proj["segment_proj.weight"].t()) + proj["segment_proj.bias"];
        using var expectedSecond = secondObjectMean.matmul(proj["segment_proj.weight"].t()) + proj["segment_proj.bias"];
        Assert.True(segmentTokens[0].allclose(expectedFirst, rtol: 1e-5, atol: 1e-6));
        Assert.True(segmentTokens[1].allclose(expectedSecond, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void TheEmptyPrompt_HasFiniteSegmentTokens()
    {
        using var encoder = Encoder(segments: true);
        using var _ = no_grad();
        using var ids = Ids("");
        var text = encoder.forward(ids);
        Assert.False(text.Tokens.isnan().any().item<bool>());
    }

    [Fact]
    public void BadSegmentSeparators_AreRefusedWithTheFileNamed()
    {
        var error = Assert.Throws<FormatException>(() => ShapesTextEncoderConfig.Parse("""{"vocab_size": 27, "segment_separator_ids": [4, 99]}""", "text_encoder/config.json"));
        Assert.Contains("text_encoder/config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("segment_separator_ids", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SegmentTokensOnly_OutputsJustTheLastThreeTokensOfTheFullEncoder_AndTheSamePooledVector()
    {
        using var full = Encoder(segments: true);
        using var segmentsOnly = Encoder(segments: true, segmentTokensOnly: true); // same seed: same weights
        full.eval();
        segmentsOnly.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope(); // owns both encoders' outputs
        using var ids = Ids("a small red circle at the top left and a large blue square at the right on a white background", "");
        var all = full.forward(ids);
        var only = segmentsOnly.forward(ids);
        Assert.Equal([2, 3, 16], only.Tokens.shape);
        Assert.Equal(3, segmentsOnly.Config.OutputTokens);
        Assert.Equal(Tokenizer.MaxLength + 3, full.Config.OutputTokens);
        using var lastThree = all.Tokens[.., Tokenizer.MaxLength..];
        Assert.True(only.Tokens.eq(lastThree).all().item<bool>());
        Assert.True(only.Pooled.eq(all.Pooled).all().item<bool>());
    }

    [Fact]
    public void SegmentTokensOnly_RoundTripsThroughTheConfigFile_AndNeedsSegments()
    {
        var config = new ShapesTextEncoderConfig { VocabSize = 31, MaxLength = 32, SegmentSeparatorIds = [5, 9], SegmentTokensOnly = true };
        var json = config.ToJson();
        Assert.Contains("\"segment_tokens_only\": true", json, StringComparison.Ordinal);
        Assert.True(ShapesTextEncoderConfig.Parse(json, "c.json").SegmentTokensOnly);
        Assert.False(ShapesTextEncoderConfig.Parse("""{"vocab_size": 31, "max_position_embeddings": 32}""", "old.json").SegmentTokensOnly);
        var error = Assert.Throws<FormatException>(() => ShapesTextEncoderConfig.Parse("""{"vocab_size": 31, "segment_tokens_only": true}""", "bad.json"));
        Assert.Equal("bad.json: segment_tokens_only needs segment_separator_ids.", error.Message);
    }
}
