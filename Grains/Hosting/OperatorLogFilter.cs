using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Hosting;

/// <summary>
/// Drops two kinds of log entries that report nothing to an operator, which log filters cannot tell apart (they see
/// neither event ids nor exceptions), so the logger factory itself is wrapped: whatever providers are added, these
/// entries reach none of them.
/// <list type="bullet">
/// <item>The two notes every silo logs at start-up when it does not run server GC ("Silo not running with ServerGC
/// turned on", "ServerGC only kicks in on multi-core systems": warnings of <c>Orleans.Runtime.Silo</c>, event 100405).
/// Workstation GC is deliberate here (docs/operations.md, memory). The same event id carries Orleans' warning about a
/// verbose log level, which passes.</item>
/// <item>Once a stop was asked for, errors whose exception is a cancellation: a stop that comes while the host is
/// still starting cancels the start, and Orleans and the host each log that with its stack ("Exception during
/// Silo.Start", "Hosting failed to start"). The program says in one line that it stopped before it started.</item>
/// </list>
/// Every entry's text and its exception's are <see cref="OperatorLogging.Escaped"/> on the way out. And while the host
/// is starting, an error's exception is written as one line (its innermost type and message), not
/// its stack: a start that fails is a setting or a dependency (Redis not there, a port taken), and Orleans reports
/// it from each component that met it (seven entries with stacks, ~80 lines, for a silo whose Redis is not there).
/// </summary>
internal sealed class OperatorLogFilter(ILoggerFactory inner, OperatorLogging.HostPhase phase) : ILoggerFactory
{
    private const string SiloCategory = "Orleans.Runtime.Silo";
    private const int SiloGcWarning = 100405;

    public static void AddTo(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new OperatorLogFilter(
            new LoggerFactory(sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(), sp.GetService<IOptions<LoggerFactoryOptions>>()),
            sp.GetRequiredService<OperatorLogging.HostPhase>())));
    }

    public ILogger CreateLogger(string categoryName) => new FilteredLogger(inner.CreateLogger(categoryName), categoryName == SiloCategory, phase);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    /// <summary>Both notes, and only they, name server GC in their message template.</summary>
    private static bool IsServerGcNote<TState>(EventId eventId, TState state) =>
        eventId.Id == SiloGcWarning
        && state is IReadOnlyList<KeyValuePair<string, object?>> fields
        && fields.Any(field => field is { Key: "{OriginalFormat}", Value: string format } && format.Contains("ServerGC", StringComparison.Ordinal));

    private sealed class FilteredLogger(ILogger inner, bool silo, OperatorLogging.HostPhase phase) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The escaping below renders an exception's text: only for an entry some provider writes.
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            if (silo && IsServerGcNote(eventId, state))
            {
                return;
            }

            if (exception is not null && phase.IsStopping && OperatorLogging.IsCancellation(exception))
            {
                return;
            }

            if (exception is not null && logLevel >= LogLevel.Error && phase.IsStarting)
            {
                var cause = OperatorLogging.OneLine(exception);
                inner.Log(logLevel, eventId, state, null, (entry, _) => OperatorLogging.Escaped($"{formatter(entry, exception).TrimEnd('.')}: {cause}"));
                return;
            }

            inner.Log(logLevel, eventId, state, EscapedException.Of(exception), (entry, _) => OperatorLogging.Escaped(formatter(entry, exception)));
        }
    }

    /// <summary>An exception whose text (what a log provider writes of it) is <see cref="OperatorLogging.Escaped"/>.</summary>
    private sealed class EscapedException(Exception original, string text) : Exception(original.Message, original)
    {
        public static Exception? Of(Exception? exception) =>
            exception?.ToString() is { } text && OperatorLogging.Escaped(text) is var escaped && !ReferenceEquals(escaped, text)
                ? new EscapedException(exception, escaped)
                : exception;

        public override string ToString() => text;
    }
}
