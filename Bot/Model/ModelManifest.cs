using Switchboard.Bot.Training;

namespace Switchboard.Bot.Model;

/// <summary>The <c>manifest.json</c> entry of a model file (see docs/model-format.md).</summary>
public sealed record ModelManifest(
    string Format,
    int FormatVersion,
    string ModelId,
    DateTimeOffset TrainedAt,
    string Fingerprint,
    bool NluOnly,
    BotConfig Config,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Entries)
{
    public const string FormatName = "switchboard-bot-model";
    /// <summary>The version written: 4 adds the sentence encoder's token clusters (<c>nlu/token-clusters.bin</c>).</summary>
    public const int CurrentVersion = 4;

    /// <summary>The oldest version read: a model of version 3 without a sentence encoder parses as it did.</summary>
    public const int OldestReadVersion = 3;

    /// <summary>The oldest version read whose config names a sentence encoder: version 4 reads its words as BERT does.</summary>
    public const int EncoderReadVersion = 4;
}
