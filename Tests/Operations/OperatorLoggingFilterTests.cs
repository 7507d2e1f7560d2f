using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Hosting;

namespace Switchboard.Tests.Operations;

/// <summary>Which lines the operator logging lets through, category by category, running and while stopping.</summary>
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

        host.Services.GetRequiredService<OperatorLogging.StoppingFlag>().Set();
        foreach (var category in new[] { "Orleans.Streams.Default", receiver })
        {
            Assert.False(Shows(category, LogLevel.Error));
            Assert.True(Shows(category, LogLevel.Critical));
        }

        Assert.True(Shows("Orleans.Runtime.Silo", LogLevel.Error));
    }
}
