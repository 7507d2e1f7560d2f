using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>Which lines the operator logging lets through, category by category, running and while stopping, and the silo's GC notes.</summary>
public sealed class OperatorLoggingFilterTests
{
    [Fact]
    public void PlacementChatterAndOrleansDetailAreDroppedAndStreamErrorsOnlyWhileStopping()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.AddOperatorLogging(new ClusterSettings());
        using var host = builder.Build();
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();
        bool Shows(string category, LogLevel level) => loggers.CreateLogger(category).IsEnabled(level);

        Assert.False(Shows("Polly", LogLevel.Information));
        Assert.False(Shows("Polly", LogLevel.Warning));
        Assert.True(Shows("Polly", LogLevel.Error));
        Assert.False(Shows("Orleans.Runtime.Silo", LogLevel.Information));
        Assert.True(Shows("Orleans.Runtime.Silo", LogLevel.Warning));
        Assert.True(Shows("Switchboard.ApiGateway.Centrifugo.Node.NodeService", LogLevel.Information));

        const string receiver = "Orleans.Providers.MemoryAdapterReceiver`1[[Orleans.Providers.DefaultMemoryMessageBodySerializer]].Default.default-6";
        foreach (var category in new[] { "Orleans.Streams.Default", receiver })
        {
            Assert.False(Shows(category, LogLevel.Information));
            Assert.True(Shows(category, LogLevel.Error));
        }

        host.Services.GetRequiredService<OperatorLogging.HostPhase>().Stopping();
        foreach (var category in new[] { "Orleans.Streams.Default", receiver })
        {
            Assert.False(Shows(category, LogLevel.Error));
            Assert.True(Shows(category, LogLevel.Critical));
        }

        Assert.True(Shows("Orleans.Runtime.Silo", LogLevel.Error));
    }

    [Fact]
    public async Task AnEmbeddedSiloStartsWithoutTheServerGcNotesAndOtherWarningsOfItsEventStillPass()
    {
        var lines = new LogCapture();
        await using (var gateway = await GatewayHost.StartAsync(configure: builder => builder.Logging.AddProvider(lines)))
        {
            // On workstation GC (Directory.Build.props, for tests too) the silo logs both notes unless they are dropped.
            Assert.False(System.Runtime.GCSettings.IsServerGC);
            Assert.DoesNotContain(lines.Entries, entry => entry.EventId == SiloGcWarning);

            // Orleans' warning about a verbose log level has the same event id and must still be seen.
            var silo = gateway.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.Runtime.Silo");
            VerboseLevel(silo, "Debug", null);
            ServerGcNote(silo, null);
            Assert.Equal(["A verbose logging level (Debug) is configured. This will impact performance. The recommended log level is Information."], lines.Entries.Where(entry => entry.EventId == SiloGcWarning).Select(entry => entry.Message));
        }

        // Other categories are not touched, whatever their event ids.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.AddOperatorLogging(new ClusterSettings());
        builder.Logging.AddProvider(lines);
        using var host = builder.Build();
        ServerGcNote(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchboard.Somewhere"), null);
        Assert.Contains(lines.Entries, entry => entry is { EventId: SiloGcWarning, Category: "Switchboard.Somewhere" });
    }

    /// <summary>
    /// Whatever path a client-chosen value takes into an entry (a message argument, an exception's text such as
    /// Orleans naming a grain's key), what a terminal would obey is escaped on the way out; line ends stay (the console
    /// indents them), and an entry with nothing to escape keeps its own exception.
    /// </summary>
    [Fact]
    public void EveryEntryAndItsExceptionAreWrittenEscaped()
    {
        var lines = new LogCapture();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.AddOperatorLogging(new ClusterSettings());
        builder.Logging.AddProvider(lines);
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchboard.Somewhere");

        const string channel = "news\r\u001b[2K\u001b[32minfo\u001b[0m: Forged\u2028\u202e";
        logger.LogWarning(new InvalidOperationException($"grain chan/{channel} failed"), "Publish to {Channel} failed\nand stopped", channel);
        var plain = new InvalidOperationException("plain");
        logger.LogWarning(plain, "Publish to {Channel} failed", "news");

        var (escaped, kept) = (lines.Entries[0], lines.Entries[1]);
        Assert.Equal("Publish to news\\u000d\\u001b[2K\\u001b[32minfo\\u001b[0m: Forged\\u2028\\u202e failed\nand stopped", escaped.Message);
        Assert.StartsWith("System.InvalidOperationException: grain chan/news\\u000d\\u001b[2K\\u001b[32minfo\\u001b[0m: Forged\\u2028\\u202e failed", escaped.Exception, StringComparison.Ordinal);
        Assert.Equal("Publish to news failed", kept.Message);
        Assert.Same(plain, kept.Thrown);
    }

    /// <summary>A client's value as a call site marks it: escaped so that no two values read the same, and cut.</summary>
    [Fact]
    public void AnUntrustedValueCannotSpellAnotherValuesEscape()
    {
        Assert.Equal(@"a\u000ab", OperatorLogging.Untrusted("a\nb"));
        Assert.Equal(@"a\\u000ab", OperatorLogging.Untrusted(@"a\u000ab"));
        Assert.Equal("plain", OperatorLogging.Untrusted("plain"));

        var longValue = new string('x', 300);
        Assert.Equal(new string('x', OperatorLogging.UntrustedMaxLength) + "... (300 characters)", OperatorLogging.Untrusted(longValue));
    }

    private const int SiloGcWarning = 100405;

    // The messages as Orleans.Runtime.Silo declares them (LoggerMessage: the template travels with the state).
    private static readonly Action<ILogger, Exception?> ServerGcNote = LoggerMessage.Define(LogLevel.Warning, new EventId(SiloGcWarning),
        "Note: Silo not running with ServerGC turned on - recommend checking app config : <configuration>-<runtime>-<gcServer enabled=\"true\">");

    private static readonly Action<ILogger, string, Exception?> VerboseLevel = LoggerMessage.Define<string>(LogLevel.Warning, new EventId(SiloGcWarning),
        "A verbose logging level ({HighestLogLevel}) is configured. This will impact performance. The recommended log level is Information.");

    /// <summary>Every line logged at Warning or above, from any category.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, int EventId, string Message, Exception? Thrown, string? Exception)> entries = new();

        /// <summary>Each entry as a provider writes it: the message, and the exception with its text.</summary>
        public IReadOnlyList<(string Category, int EventId, string Message, Exception? Thrown, string? Exception)> Entries => [.. entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<(string, int, string, Exception?, string?)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    entries.Enqueue((category, eventId.Id, formatter(state, exception), exception, exception?.ToString()));
                }
            }
        }
    }
}
