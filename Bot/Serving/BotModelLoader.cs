using Switchboard.Bot.Actions;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Model;
using Switchboard.Bot.Agents;

namespace Switchboard.Bot.Serving;

/// <summary>
/// Loads trained model files (<c>*.zip</c>, or the newest in a directory) as <see cref="BotAgent"/>s, with the
/// action server of <c>--endpoints</c> when one is configured. Outranks the domain-only loader.
/// </summary>
public sealed class BotModelLoader(string? endpointsFile, HttpClient http, ModelFileLimits? limits = null) : IModelLoader
{
    public int Priority => 10;

    public bool CanLoad(string path) =>
        (File.Exists(path) && path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) ||
        (Directory.Exists(path) && Directory.EnumerateFiles(path, "*.zip").Any());

    public async Task<IAgent> Load(string path, CancellationToken cancellation)
    {
        BotModel model;
        string file;
        try
        {
            file = BotModel.ResolveFile(path);
            model = await Task.Run(() => BotModel.Load(file, limits), cancellation);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BotDataException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"'{path}' is not a loadable model: {ModelLoadException.Describe(e)}", e);
        }

        return new BotAgent(model, ActionServer(), fileName: Path.GetFileName(file));
    }

    private ActionServerClient? ActionServer()
    {
        if (endpointsFile is not { Length: > 0 } endpoints)
        {
            return null;
        }

        try
        {
            return ActionEndpoint.FromFile(endpoints) is { } endpoint ? new ActionServerClient(http, endpoint) : null;
        }
        catch (Exception e) when (e is IOException or BotDataException)
        {
            throw new ModelLoadException($"the endpoints file '{endpoints}' is invalid: {e.Message}", e);
        }
    }
}
