namespace Switchboard.Bot.Training;

/// <summary>What the <c>policies</c> section asks for, mapped onto our rule, memoization and learned policies.</summary>
public sealed record PolicySettings(
    bool Rules,
    bool Memoization,
    bool Learned,
    int MemoizationMaxHistory,
    int LearnedMaxHistory,
    int Epochs,
    double CoreFallbackThreshold,
    string CoreFallbackAction,
    bool EnableFallbackPrediction,
    bool AugmentedMemoization = false)
{
    public static PolicySettings Default { get; } = new(true, true, true, 5, 3, 100, 0.3, "action_default_fallback", true);
}
