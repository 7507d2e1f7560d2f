using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Hosting;
using Switchboard.Silo;

// A silo of a Redis-backed cluster: dotnet run --project Silo -- --redis 127.0.0.1:6379 [--redis_shards a:6379,b:6379,...] [--silo-port N --gateway-port N] [--metrics-port N]
// [--config file.json] [channel options]: channel grains act on the channel options (namespaces, history, presence)
// of the silo's own configuration, so give silos the same config file or flags as the gateways.
var builder = Host.CreateApplicationBuilder();
builder.Configuration.AddSwitchboardFlags(args);
var settings = ClusterSettings.From(builder.Configuration);
builder.AddOperatorLogging(settings);
if (!settings.UsesRedis)
{
    Console.Error.WriteLine("A standalone silo needs Redis: --redis host:port. For a single process, run the gateway alone: dotnet run --project ApiGateway");
    return 2;
}

builder.UseOrleans(silo => silo.ConfigureSiloProcess(settings));
// Nothing listens for metrics unless asked: --metrics-port N.
if (builder.Configuration["metrics_port"] is { } metricsFlag)
{
    if (MetricsListener.Port(metricsFlag) is not { } metricsPort)
    {
        Console.Error.WriteLine($"--metrics-port takes a port number (1-65535), not '{metricsFlag}'");
        return 2;
    }

    builder.Services.AddHostedService(sp => new MetricsListener(metricsPort, sp.GetRequiredService<IConfiguration>(), SiloHealth.From(sp), sp.GetRequiredService<ILogger<MetricsListener>>()));
}

using var host = builder.Build();
var shards = settings.RedisShards.Count == 0 ? "" : $", history and tracker logs over {settings.RedisShards.Count} shards ({string.Join(' ', settings.RedisShards.Select(RedisShards.Endpoints))})";
return await NodeRun.UntilStopped(host, () =>
    Console.WriteLine($"Silo started: silo port {settings.SiloPort}, gateway port {settings.GatewayPort}, redis {RedisShards.Endpoints(settings.Redis!)}{shards}"));
