using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Conversations;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Events;
using Switchboard.Bot.Model;
using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// The model routes: <c>PUT/DELETE /model</c>, <c>GET /domain</c>, <c>/model/parse</c>, <c>/model/predict</c>, and
/// training and evaluation, which run through <see cref="IModelTrainer"/> and <see cref="IModelEvaluator"/>
/// when the bot model provides them (501 otherwise).
/// </summary>
public static partial class ModelEndpoints
{
    private const string DefaultSenderId = "default";

    public static void Map(RouteGroupBuilder api, RasaLimits limits)
    {
        api.MapPut("/model", LoadModel);
        api.MapDelete("/model", UnloadModel);
        api.MapGet("/domain", GetDomain);
        api.MapPost("/model/parse", Parse);
        api.MapPost("/model/predict", PredictOnEvents);
        api.MapPost("/model/train", Train).WithMetadata(limits.Training);
        api.MapPost("/model/test/stories", TestStories).WithMetadata(limits.Training);
        api.MapPost("/model/test/intents", TestIntents).WithMetadata(limits.Training);
    }

    private static async Task<IResult> LoadModel(HttpRequest request, ModelState models, ModelPaths paths, ModelFileLimits limits, IHttpClientFactory httpClients, ILogger<ModelState> logger)
    {
        var (body, error) = await RasaRequest.ReadObject(request, "No path to model file defined in request_body.");
        if (error is not null)
        {
            return error;
        }

        if (body?["remote_storage"] is not null)
        {
            return RasaErrors.BadRequest("Remote storage (aws, gcs, azure) is not supported; give 'model_file' (a path every node can read) or 'model_server' ({\"url\": ...}).", RasaRequest.BodyDetails("remote_storage"));
        }

        var path = RasaRequest.OptionalString(body?["model_file"]);
        if (body?["model_server"] is { } server && path is null)
        {
            using var http = httpClients.CreateClient();
            (path, var fetchError) = await ModelServer.Fetch(server, paths.ModelsDirectory, limits.MaxExpandedBytes, http, request.HttpContext.RequestAborted);
            if (fetchError is not null)
            {
                return RasaErrors.Error(400, "LoadingError", $"Could not load the model from the model server. {fetchError}", RasaRequest.BodyDetails("model_server"));
            }
        }

        if (path is not { Length: > 0 })
        {
            return RasaErrors.BadRequest("No path to model file defined in request_body.", RasaRequest.BodyDetails("model_file"));
        }

        if (paths.Problem(path) is { } outside)
        {
            return RasaErrors.Error(400, "LoadingError", $"Agent with name '{path}' could not be loaded. {outside}", RasaRequest.BodyDetails("model_file"));
        }

        try
        {
            await models.Load(path, request.HttpContext.RequestAborted);
            return Results.NoContent();
        }
        catch (ModelLoadException e)
        {
            LogLoadFailure(logger, path, e.InnerException?.Message ?? e.Message);
            return RasaErrors.Error(400, "LoadingError", $"Agent with name '{path}' could not be loaded. {e.Message}", RasaRequest.BodyDetails("model_file"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model '{Path}' could not be loaded: {Reason}")]
    private static partial void LogLoadFailure(ILogger logger, string path, string reason);

    private static async Task<IResult> UnloadModel(ModelState models)
    {
        await models.Unload();
        return Results.NoContent();
    }

    private static async Task<IResult> GetDomain(HttpRequest request, ModelState models)
    {
        var (model, error) = await models.Require();
        if (error is not null)
        {
            return error;
        }

        var accept = request.Headers.Accept.ToString();
        var domain = (await models.Agent(model!)).Domain;
        if (accept.Length == 0 || accept.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Json(domain.Json);
        }

        if (accept.EndsWith("yml", StringComparison.OrdinalIgnoreCase) || accept.EndsWith("yaml", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Text(domain.Yaml, "application/x-yml");
        }

        return RasaErrors.Error(406, "InvalidHeader",
            "Invalid Accept header. Domain can be provided as json (\"Accept: application/json\") or yml (\"Accept: application/x-yml\"). Make sure you've set the appropriate Accept header.");
    }

    private static async Task<IResult> Parse(HttpRequest request, ModelState models, GrainReferences grains, RasaLimits limits)
    {
        var (model, modelError) = await models.Require();
        if (modelError is not null)
        {
            return modelError;
        }

        string? mode = request.Query["emulation_mode"];
        if (!string.IsNullOrEmpty(mode) && !Switchboard.Bot.Nlu.ParseEmulation.Modes.Contains(mode, StringComparer.OrdinalIgnoreCase))
        {
            return RasaErrors.BadRequest($"Emulation mode '{mode}' is not supported; use one of {string.Join(", ", Switchboard.Bot.Nlu.ParseEmulation.Modes)}.", RasaRequest.QueryDetails("emulation_mode"));
        }

        var (body, error) = await RasaRequest.ReadObject(request, "No text message defined in request_body. Add text message to request body in order to obtain the intent and extracted entities.");
        if (error is not null)
        {
            return error;
        }

        if (RasaRequest.OptionalString(body?["text"]) is not { } text)
        {
            return RasaErrors.BadRequest("No text message defined in request_body. Add text message to request body in order to obtain the intent and extracted entities.", RasaRequest.BodyDetails("text"));
        }

        if (limits.MessageProblem(text, default) is { } tooLong)
        {
            return RasaErrors.BadRequest(tooLong, RasaRequest.BodyDetails("text"));
        }

        // Parsed on a silo by its local copy of the model, not in the gateway process.
        var parsed = await grains.Get<IModelWorkerGrain>(IModelWorkerGrain.Key).Parse(model!, text);
        if (string.IsNullOrEmpty(mode))
        {
            return RasaResults.Json(w => EventWriter.WriteParseResult(w, parsed));
        }

        var json = JsonNode.Parse(EventWriter.ToUtf8(w => EventWriter.WriteParseResult(w, parsed)))!.AsObject();
        return Results.Json(Switchboard.Bot.Nlu.ParseEmulation.Apply(json, mode));
    }

    private static async Task<IResult> PredictOnEvents(HttpRequest request, ModelState models, GrainReferences grains)
    {
        var (query, queryError) = RasaRequest.TrackerQuery(request);
        var (model, modelError) = await models.Require(needsDialogue: true);
        if ((modelError ?? queryError) is { } e)
        {
            return e;
        }

        var (events, error) = await RasaRequest.ReadEvents(request, "No events defined in request_body.", listOnly: true);
        if (error is not null)
        {
            return error;
        }

        // Predicted on a silo by its local copy of the model, on a temporary tracker: nothing is stored and no action runs.
        return RasaResults.Prediction(await grains.Get<IModelWorkerGrain>(IModelWorkerGrain.Key).Predict(model!, DefaultSenderId, events!, query!.Verbosity));
    }

    /// <summary>The stages of a finished training run with their times (a Switchboard extension of the response).</summary>
    public const string TrainingStagesHeader = "X-Training-Stages";

    /// <summary>
    /// The training data's warnings (what was ignored or read differently), one header each, beside the model file
    /// Rasa's route answers with; the gateway's log has them too.
    /// </summary>
    public const string TrainingWarningHeader = "X-Training-Warning";

    private static void LogWarnings(ILogger logger, TrainedModel trained)
    {
        foreach (var warning in trained.Warnings)
        {
            logger.LogWarning("Training {Model}: {Warning}", Path.GetFileName(trained.Path), warning);
        }
    }

    /// <summary>A header value: printable ASCII, other characters percent-encoded (file names may be anything).</summary>
    private static string HeaderText(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is >= 0x20 and < 0x7F && rune.Value != '%')
            {
                builder.Append((char)rune.Value);
            }
            else
            {
                builder.Append(Uri.EscapeDataString(rune.ToString()));
            }
        }

        return builder.ToString();
    }

    private static async Task<IResult> Train(HttpRequest request, IServiceProvider services, TrainingJobs jobs, ModelPaths paths, IHttpClientFactory httpClients, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Switchboard.Training");
        var (force, forceError) = RasaRequest.Bool(request, "force_training", false);
        var (saveToDefault, saveError) = RasaRequest.Bool(request, "save_to_default_model_directory", true);
        var (augmentation, augmentationError) = RasaRequest.Number(request, "augmentation");
        var (threads, threadsError) = RasaRequest.Number(request, "num_threads");
        if ((forceError ?? saveError ?? augmentationError ?? threadsError) is { } e)
        {
            return e;
        }

        if (!IsYaml(request.ContentType))
        {
            return RasaErrors.BadRequest("Training data must be YAML: send it with 'Content-Type: application/yaml'.", new JsonObject { ["parameter"] = "Content-Type", ["in"] = "header" });
        }

        var yaml = await RasaRequest.ReadText(request);
        if (string.IsNullOrWhiteSpace(yaml))
        {
            return RasaErrors.BadRequest("The request body holds no training data.", RasaRequest.BodyDetails());
        }

        if (services.GetService<IModelTrainer>() is not { } trainer)
        {
            return NotProvided("Training");
        }

        var directory = saveToDefault ? paths.ModelsDirectory : Directory.CreateTempSubdirectory("switchboard-model-").FullName;
        var options = new ModelTrainingOptions(force, directory, null, (int?)augmentation, (int?)threads);
        var callbackUrl = request.Query["callback_url"].ToString();
        if (callbackUrl.Length > 0)
        {
            _ = Task.Run(async () =>
            {
                using var job = jobs.Start();
                using var http = httpClients.CreateClient();
                try
                {
                    var trained = await trainer.Train(yaml, options, CancellationToken.None, job);
                    LogWarnings(logger, trained);
                    using var content = new ByteArrayContent(await File.ReadAllBytesAsync(trained.Path));
                    content.Headers.Add("filename", Path.GetFileName(trained.Path));
                    foreach (var warning in trained.Warnings)
                    {
                        content.Headers.TryAddWithoutValidation(TrainingWarningHeader, HeaderText(warning));
                    }

                    if (job.Summary() is { Length: > 0 } stages)
                    {
                        content.Headers.TryAddWithoutValidation(TrainingStagesHeader, stages);
                    }

                    await http.PostAsync(callbackUrl, content);
                }
                catch (Exception ex) when (ex is BotDataException or IOException)
                {
                    using var content = JsonContent.Create(new JsonObject { ["status"] = "failure", ["message"] = ex.Message, ["code"] = 400 });
                    await PostQuietly(http, callbackUrl, content);
                }
                catch (HttpRequestException)
                {
                    // The caller's endpoint is gone; nothing else to tell.
                }
            });
            return Results.NoContent();
        }

        try
        {
            using var job = jobs.Start();
            var trained = await trainer.Train(yaml, options, request.HttpContext.RequestAborted, job);
            LogWarnings(logger, trained);
            var headers = request.HttpContext.Response.Headers;
            headers["filename"] = Path.GetFileName(trained.Path);
            headers[TrainingWarningHeader] = trained.Warnings.Select(HeaderText).ToArray();
            if (job.Summary() is { Length: > 0 } stages)
            {
                // Absent when unchanged data reused an existing model.
                headers[TrainingStagesHeader] = stages;
            }

            return Results.File(trained.Path, "application/octet-stream", Path.GetFileName(trained.Path));
        }
        catch (BotDataException ex)
        {
            return RasaErrors.BadRequest($"The training data is invalid: {ex.Message}", RasaRequest.BodyDetails());
        }
    }

    private static async Task<IResult> TestStories(HttpRequest request, ModelState models, IServiceProvider services)
    {
        var (e2e, boolError) = RasaRequest.Bool(request, "e2e", false);
        var (model, modelError) = await models.Require(needsDialogue: true);
        if ((modelError ?? boolError) is { } e)
        {
            return e;
        }

        var stories = await RasaRequest.ReadText(request);
        if (string.IsNullOrWhiteSpace(stories))
        {
            return RasaErrors.BadRequest("No test stories in the request body.", RasaRequest.BodyDetails());
        }

        if (services.GetService<IModelEvaluator>() is not { } evaluator)
        {
            return NotProvided("Story evaluation");
        }

        var agent = await models.Agent(model!);
        if (!agent.HasNlu)
        {
            return NotTrained("Story evaluation");
        }

        try
        {
            return Results.Json(await evaluator.TestStories(agent, stories, e2e, request.HttpContext.RequestAborted));
        }
        catch (BotDataException ex)
        {
            return RasaErrors.BadRequest($"The test stories are invalid: {ex.Message}", RasaRequest.BodyDetails());
        }
    }

    private static async Task<IResult> TestIntents(HttpRequest request, ModelState models, ModelPaths paths, IServiceProvider services)
    {
        var (folds, foldsError) = RasaRequest.Number(request, "cross_validation_folds");
        if (foldsError is not null)
        {
            return foldsError;
        }

        IAgent agent;
        var modelPath = request.Query["model"].ToString();
        try
        {
            if (modelPath.Length > 0)
            {
                if (paths.Problem(modelPath) is { } outside)
                {
                    return RasaErrors.BadRequest(outside, RasaRequest.QueryDetails("model"));
                }

                // The given model is used for this evaluation only; the loaded one stays.
                agent = (await services.GetRequiredService<AgentCache>().LoadNew(modelPath, request.HttpContext.RequestAborted)).Agent;
            }
            else
            {
                var (model, modelError) = await models.Require();
                if (modelError is not null)
                {
                    return modelError;
                }

                agent = await models.Agent(model!);
            }
        }
        catch (ModelLoadException ex)
        {
            return RasaErrors.BadRequest(ex.Message, RasaRequest.QueryDetails("model"));
        }

        var data = await RasaRequest.ReadText(request);
        if (string.IsNullOrWhiteSpace(data))
        {
            return RasaErrors.BadRequest("No NLU test data in the request body.", RasaRequest.BodyDetails());
        }

        if (services.GetService<IModelEvaluator>() is not { } evaluator)
        {
            return NotProvided("Intent evaluation");
        }

        if (!agent.HasNlu)
        {
            return NotTrained("Intent evaluation");
        }

        var isJson = request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
        var callbackUrl = request.Query["callback_url"].ToString();
        if (callbackUrl.Length > 0)
        {
            // Rasa answers 204 at once and posts the evaluation (or the error) to the callback URL.
            var http = services.GetRequiredService<IHttpClientFactory>();
            _ = Task.Run(async () =>
            {
                using var client = http.CreateClient();
                JsonObject result;
                try
                {
                    result = await evaluator.TestIntents(agent, data, isJson, (int?)folds, CancellationToken.None);
                }
                catch (BotDataException ex)
                {
                    result = new JsonObject { ["status"] = "failure", ["message"] = ex.Message, ["code"] = 400 };
                }

                try
                {
                    using var content = JsonContent.Create(result);
                    await client.PostAsync(callbackUrl, content);
                }
                catch (HttpRequestException)
                {
                    // The caller's endpoint is gone; nothing else to tell.
                }
            });
            return Results.NoContent();
        }

        try
        {
            return Results.Json(await evaluator.TestIntents(agent, data, isJson, (int?)folds, request.HttpContext.RequestAborted));
        }
        catch (BotDataException ex)
        {
            return RasaErrors.BadRequest($"The NLU test data is invalid: {ex.Message}", RasaRequest.BodyDetails());
        }
    }

    private static async Task PostQuietly(HttpClient http, string url, HttpContent content)
    {
        try
        {
            await http.PostAsync(url, content);
        }
        catch (HttpRequestException)
        {
            // The caller's endpoint is gone; nothing else to tell.
        }
    }

    private static bool IsYaml(string? contentType) =>
        contentType is not null && (contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase) || contentType.Contains("yml", StringComparison.OrdinalIgnoreCase));

    /// <summary>409 for a domain-only model (no NLU, no trained policies): evaluation needs a trained one.</summary>
    private static IResult NotTrained(string what) =>
        RasaErrors.Error(409, "Conflict", $"{what} needs a trained model; the loaded one is a domain only.", help: RasaVersion.ModelHelp);

    private static IResult NotProvided(string what) =>
        RasaErrors.Error(501, "NotImplemented", $"{what} needs the trained bot model, which this build does not include.");
}
