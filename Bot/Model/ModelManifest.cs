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
    public const int CurrentVersion = 3;
}
