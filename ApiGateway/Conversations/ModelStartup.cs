namespace Switchboard.ApiGateway.Conversations;

/// <summary>Loads the <c>-m/--model</c> model once the cluster answers, retrying while it does not.</summary>
public sealed class ModelStartup(IConfiguration config, ModelState models, ILogger<ModelStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config["model"] is not { Length: > 0 } path)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var model = await models.Load(path, stoppingToken);
                logger.LogInformation("Loaded model {Model} from {Path}", model.Id, model.Path);
                return;
            }
            catch (Switchboard.Bot.Agents.ModelLoadException e)
            {
                logger.LogError("The model at {Path} could not be loaded: {Reason}", path, e.Message);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Waiting for the cluster to load the model: {Reason}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
