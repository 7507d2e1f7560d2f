using StackExchange.Redis;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>
/// The Redis API: commands pushed (RPUSH) onto the list <c>redis_api_list</c> are executed like <c>/api/</c>
/// commands. Nobody waits for their responses, so errors are only logged.
/// </summary>
public sealed class RedisApiConsumer(ClusterSettings cluster, CentrifugoOptions options, ApiExecutor executor, ILogger<RedisApiConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan BlockFor = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A connection of its own: BLPOP blocks it, which must not delay anybody else's commands.
        var configuration = ConfigurationOptions.Parse(cluster.Redis!);
        configuration.AbortOnConnectFail = false;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var db = redis.GetDatabase();
        logger.LogInformation("Redis API: consuming list {List}", options.RedisApiList);
        while (!stoppingToken.IsCancellationRequested)
        {
            RedisResult popped;
            try
            {
                popped = await db.ExecuteAsync("BLPOP", options.RedisApiList, (int)BlockFor.TotalSeconds);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Redis API: BLPOP on {List} failed", options.RedisApiList);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                continue;
            }

            // Nil on timeout; else [list, value].
            if (popped.IsNull || popped.Length < 2)
            {
                continue;
            }

            await Execute((byte[])popped[1]!);
        }
    }

    private async Task Execute(byte[] body)
    {
        if (body.Length > options.ApiMaxBodySize)
        {
            logger.LogWarning("Redis API: rejected a message of {Size} bytes (api_max_body_size {Max})", body.Length, options.ApiMaxBodySize);
            return;
        }

        using var request = ApiRequest.Parse(body, options.ApiBatchMaxCommands);
        if (request.Error is not null)
        {
            logger.LogWarning("Redis API: rejected command: {Error}", request.Error);
            return;
        }

        foreach (var command in request.Commands)
        {
            var result = await executor.Execute(command);
            if (result.Error is not null)
            {
                logger.LogWarning("Redis API: {Method} failed: {Error}", OperatorLogging.Untrusted(result.Method), result.Error);
            }
        }
    }
}
