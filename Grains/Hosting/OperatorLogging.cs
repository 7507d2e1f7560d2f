using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchboard.Hosting;

/// <summary>
/// What gateways and silos print, and how they stop: quiet on a normal run, one line per real problem. Each filter
/// below drops a source of lines that are not problems, and says why; errors are never filtered outside shutdown.
/// </summary>
public static class OperatorLogging
{
    public static void AddOperatorLogging(this IHostApplicationBuilder builder, ClusterSettings settings)
    {
        var phase = new HostPhase();
        builder.Services.AddSingleton(phase);

        // Orleans places grains through a Polly pipeline whose telemetry logs every attempt at Information (one line
        // per grain activation: thousands per benchmark run) and every retry at Warning with its exception. The
        // outcome reaches the caller, which reports a failure it cannot handle; an exhausted pipeline still logs here.
        builder.Logging.AddFilter("Polly", LogLevel.Error);

        // Orleans' Information lines are start-up and membership detail (per request in places: ~8% of a publish);
        // its warnings and errors are what an operator must see.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);

        // Orleans' two start-up notes that the silo is not on server GC (workstation GC is chosen, docs/operations.md),
        // the cancellations a stop causes once it was asked for, and the stacks of errors while starting.
        OperatorLogFilter.AddTo(builder.Services);

        // While the process stops, the memory streams' pulling agents keep reading queues whose grains are already
        // deactivated: each read is cancelled and logged as an error with its stack. The queues die with the silo by
        // design (clients recover from history), so those lines report nothing. Decided per call, so only then; these
        // rules are more specific than "Orleans", so they carry its Warning floor.
        foreach (var category in new[] { "Orleans.Streams", "Orleans.Providers.MemoryAdapterReceiver" })
        {
            builder.Logging.AddFilter(category, level => level >= LogLevel.Warning && (!phase.IsStopping || level >= LogLevel.Critical));
        }

        // How long SIGTERM may take (--shutdown_timeout): the host cancels the stop then (Orleans stops without
        // waiting for the rest of its grains), and ShutdownDeadline ends the process shortly after.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Services.AddHostedService<ShutdownDeadline>();
    }

    /// <summary>An exception as an operator reads it: the innermost one's type and message, on one line.</summary>
    public static string OneLine(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        return $"{innermost.GetType().Name}: {innermost.Message.ReplaceLineEndings(" ")}";
    }

    /// <summary>Characters of an untrusted value a log line keeps (<see cref="Untrusted"/>).</summary>
    public const int UntrustedMaxLength = 200;

    /// <summary>
    /// A value a client chose (a user id, a channel name, a conversation id, a reminder name) as a log line may carry
    /// it: at most <see cref="UntrustedMaxLength"/> characters, then its length, its line ends escaped too and its
    /// backslashes doubled (the rest of what a terminal would obey is escaped in every entry, <see cref="Escaped"/>).
    /// </summary>
    public static string Untrusted(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var kept = value.AsSpan(0, Math.Min(value.Length, UntrustedMaxLength));
        if (kept.Length < value.Length && char.IsHighSurrogate(kept[^1]))
        {
            kept = kept[..^1];
        }

        if (kept.Length == value.Length && !kept.ContainsAny(Unsafe))
        {
            return value;
        }

        var text = Escape(kept, Unsafe, new StringBuilder(kept.Length + 32));
        return kept.Length < value.Length ? text.Append(CultureInfo.InvariantCulture, $"... ({value.Length} characters)").ToString() : text.ToString();
    }

    /// <summary>
    /// A log entry's text (its message, or its exception's) as written: control characters but the line end (carriage
    /// returns, ESC of terminal sequences, C1), line and paragraph separators and bidi overrides as <c>\uXXXX</c>, so
    /// that nothing a client chose, in a message or in an exception's text (Orleans names a grain's key in its
    /// errors), can rewrite what a terminal or a log viewer shows. Line ends stay: the console indents every line after
    /// an entry's first, so none passes for a new entry. Applied to every entry by <see cref="OperatorLogFilter"/>.
    /// </summary>
    public static string Escaped(string text) =>
        text.AsSpan().ContainsAny(UnsafeInEntry) ? Escape(text, UnsafeInEntry, new StringBuilder(text.Length + 32)).ToString() : text;

    private static StringBuilder Escape(ReadOnlySpan<char> text, SearchValues<char> unsafeChars, StringBuilder into)
    {
        foreach (var c in text)
        {
            if (!unsafeChars.Contains(c))
            {
                into.Append(c);
            }
            else if (c == '\\')
            {
                into.Append(@"\\");
            }
            else
            {
                into.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
        }

        return into;
    }

    private static readonly char[] UnsafeChars =
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), .. Enumerable.Range(0x7f, 0x21).Select(c => (char)c),
            '\u061c', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

    /// <summary>A client's value also has its backslashes doubled, so that an escape this writes cannot be told from one the value spelled.</summary>
    private static readonly SearchValues<char> Unsafe = SearchValues.Create([.. UnsafeChars, '\\']);

    private static readonly SearchValues<char> UnsafeInEntry = SearchValues.Create([.. UnsafeChars.Where(c => c != '\n')]);

    /// <summary>A cancellation, as .NET and Orleans report one (a lifecycle stage cancelled), alone or wrapped.</summary>
    public static bool IsCancellation(Exception exception) => exception switch
    {
        OperationCanceledException or Orleans.Runtime.OrleansLifecycleCanceledException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsCancellation),
        _ => false,
    };

    /// <summary>
    /// Where the host is: starting until it has started, then running, stopping as soon as a stop is asked for (while
    /// starting too). Set by <see cref="ShutdownDeadline"/>, which the host builds before it starts anything.
    /// </summary>
    public sealed class HostPhase
    {
        private volatile bool started;
        private volatile bool stopping;

        public bool IsStarting => !started && !stopping;

        public bool IsStopping => stopping;

        public void Started() => started = true;

        public void Stopping() => stopping = true;
    }
}
