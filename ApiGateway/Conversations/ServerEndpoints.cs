using System.Text.Json.Nodes;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>Rasa's server information: <c>GET /</c> (always), <c>/version</c> and <c>/status</c> (with the API).</summary>
public static class ServerEndpoints
{
    public static void MapHealth(IEndpointRouteBuilder app) =>
        app.MapGet("/", () => Results.Text($"Hello from Rasa: {RasaVersion.Version}", "text/plain"));

    public static void Map(RouteGroupBuilder open, RouteGroupBuilder secured)
    {
        open.MapGet("/version", () => Results.Json(new JsonObject
        {
            ["version"] = RasaVersion.Version,
            ["minimum_compatible_version"] = RasaVersion.MinimumCompatibleVersion,
        }));

        secured.MapGet("/status", async (ModelState models, TrainingJobs jobs) =>
        {
            var (model, error) = await models.Require();
            return error ?? Results.Json(new JsonObject
            {
                ["model_id"] = model!.Id,
                ["model_file"] = model.FileName,
                ["num_active_training_jobs"] = jobs.Active,
                ["training_jobs"] = jobs.ToJson(),
            });
        });
    }
}
