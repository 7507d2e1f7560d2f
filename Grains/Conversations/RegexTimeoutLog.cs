using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Bot.Nlu;

namespace Switchboard.Conversations;

/// <summary>One warning line when a training-data regex runs out of time on a message (at most once per pattern per minute).</summary>
public sealed partial class RegexTimeoutLog(ILogger<RegexTimeoutLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        FeatureRegex.TimedOut += Report;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        FeatureRegex.TimedOut -= Report;
        return Task.CompletedTask;
    }

    private void Report(string pattern) => TimedOut(logger, pattern, FeatureRegex.MatchTimeout.TotalMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training-data regex '{Pattern}' ran out of its {Milliseconds} ms on a message and counted as no match; make it linear (no nested quantifiers) or drop it")]
    private static partial void TimedOut(ILogger logger, string pattern, double milliseconds);
}
