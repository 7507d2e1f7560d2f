using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Hosting;

/// <summary>
/// Drops the two notes every silo logs at start-up when it does not run server GC ("Silo not running with ServerGC
/// turned on", "ServerGC only kicks in on multi-core systems": warnings of <c>Orleans.Runtime.Silo</c>, event 100405).
/// Workstation GC is deliberate here (docs/operations.md, memory), so they report nothing. The same event id carries
/// Orleans' warning about a verbose log level, which passes, as does everything else. Log filters cannot see event ids,
/// so the logger factory itself is wrapped: whatever providers are added, the notes reach none of them.
/// </summary>
internal sealed class ServerGcNoteFilter(ILoggerFactory inner) : ILoggerFactory
{
    private const string SiloCategory = "Orleans.Runtime.Silo";
    private const int SiloGcWarning = 100405;

    public static void AddTo(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new ServerGcNoteFilter(
            new LoggerFactory(sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(), sp.GetService<IOptions<LoggerFactoryOptions>>()))));
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return categoryName == SiloCategory ? new SiloLogger(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    /// <summary>Both notes, and only they, name server GC in their message template.</summary>
    private static bool IsServerGcNote<TState>(EventId eventId, TState state) =>
        eventId.Id == SiloGcWarning
        && state is IReadOnlyList<KeyValuePair<string, object?>> fields
        && fields.Any(field => field is { Key: "{OriginalFormat}", Value: string format } && format.Contains("ServerGC", StringComparison.Ordinal));

    private sealed class SiloLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsServerGcNote(eventId, state))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
