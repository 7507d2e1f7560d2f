using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// A regular expression of the training data (regex features, regex and lookup entities), run on untrusted
/// message text. Patterns the linear-time engine supports run on it (<see cref="RegexOptions.NonBacktracking"/>:
/// <c>(a+)+$</c> costs as much as <c>a+$</c>); the others (lookarounds, backreferences, atomic groups) backtrack
/// under <see cref="MatchTimeout"/>. A match that times out is no match: the message is still answered, the
/// timeout is counted (<c>switchboard_nlu_regex_timeouts_total</c>) and reported through <see cref="TimedOut"/> at
/// most once per pattern per <see cref="ReportEvery"/>.
/// </summary>
public sealed class FeatureRegex
{
    public const string MeterName = "Switchboard.Bot";

    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan ReportEvery = TimeSpan.FromMinutes(1);

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Timeouts = Meter.CreateCounter<long>("switchboard.nlu.regex_timeouts", description: "Training-data regex matches that ran out of time on a message and counted as no match");
    private static readonly ConcurrentDictionary<string, long> LastReported = new(StringComparer.Ordinal);

    private readonly Regex regex;

    /// <summary>Compiles <paramref name="pattern"/>; throws <see cref="ArgumentException"/> when it is not a valid regex.</summary>
    public FeatureRegex(string pattern)
    {
        Pattern = pattern;
        try
        {
            regex = new Regex(pattern, Options | RegexOptions.NonBacktracking, MatchTimeout);
            IsLinear = true;
        }
        catch (NotSupportedException)
        {
            regex = new Regex(pattern, Options, MatchTimeout);
        }
    }

    /// <summary>A pattern's match ran out of time (raised at most once per pattern per <see cref="ReportEvery"/>); hosts log it.</summary>
    public static event Action<string>? TimedOut;

    public string Pattern { get; }

    /// <summary>Whether the linear-time engine runs it (otherwise the backtracking one, under the timeout).</summary>
    public bool IsLinear { get; }

    /// <summary>The matches in <paramref name="text"/>, or none when matching runs out of time.</summary>
    public IReadOnlyList<Match> Matches(string text)
    {
        var found = new List<Match>();
        try
        {
            for (var match = regex.Match(text); match.Success; match = match.NextMatch())
            {
                found.Add(match);
            }

            return found;
        }
        catch (RegexMatchTimeoutException)
        {
            Timeouts.Add(1);
            Report();
            return [];
        }
    }

    private void Report()
    {
        var now = Environment.TickCount64;
        var last = LastReported.GetOrAdd(Pattern, now - (long)ReportEvery.TotalMilliseconds);
        if (now - last >= ReportEvery.TotalMilliseconds && LastReported.TryUpdate(Pattern, now, last))
        {
            TimedOut?.Invoke(Pattern);
        }
    }
}
