using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// Once the node is part of the cluster, compares its channel options with a silo's: silos act on their own (history,
/// presence, join/leave) while the gateway checks requests against its own, so options given to the gateways only
/// would look accepted and do nothing. A difference is one error line naming both.
/// </summary>
public sealed class ChannelOptionsCheck(GatewayNode node, CentrifugoOptions options, ILogger<ChannelOptionsCheck> logger) : BackgroundService
{
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await node.Listening.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var silo = await node.Grains.Get<IChannelOptionsGrain>(0).Describe();
                var gateway = options.Channels.Describe();
                if (silo == gateway)
                {
                    logger.LogInformation("Channel options match the silos'");
                }
                else
                {
                    logger.LogError(
                        "Channel options differ between this gateway and the silos, whose channel grains act on theirs: give silos the same --config or channel flags. Gateway: {Gateway}. Silo: {Silo}",
                        gateway, silo);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug(ex, "Could not compare channel options with the silos yet");
                await Task.Delay(RetryPeriod, stoppingToken);
            }
        }
    }
}
