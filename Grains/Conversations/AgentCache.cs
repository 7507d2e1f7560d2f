using Switchboard.Bot.Agents;
using System.Collections.Concurrent;

namespace Switchboard.Conversations;

/// <summary>
/// The agents this process has loaded, by model id: a model is loaded once per silo (and gateway) from the
/// path in its <see cref="ModelRef"/>, whichever node first needs it.
/// </summary>
public sealed class AgentCache(IEnumerable<IModelLoader> loaders)
{
    private readonly IModelLoader[] loaders = loaders.OrderByDescending(l => l.Priority).ToArray();
    private readonly ConcurrentDictionary<string, Lazy<Task<IAgent>>> agents = new(StringComparer.Ordinal);

    /// <summary>Loads a new model; the caller publishes the returned reference.</summary>
    public async Task<(ModelRef Model, IAgent Agent)> LoadNew(string path, CancellationToken cancellation)
    {
        var full = Path.GetFullPath(path);
        var loader = loaders.FirstOrDefault(l => l.CanLoad(full)) ?? throw new ModelLoadException($"No model found at '{path}'.");
        var agent = await loader.Load(full, cancellation);
        var model = new ModelRef(Guid.NewGuid().ToString("N"), full, agent.FileName, agent.HasNlu, agent.HasDialogue);
        agents[model.Id] = new Lazy<Task<IAgent>>(Task.FromResult(agent));
        return (model, agent);
    }

    public Task<IAgent> Get(ModelRef model) =>
        agents.GetOrAdd(model.Id, _ => new Lazy<Task<IAgent>>(() => LoadExisting(model))).Value;

    private async Task<IAgent> LoadExisting(ModelRef model)
    {
        try
        {
            var loader = loaders.FirstOrDefault(l => l.CanLoad(model.Path)) ?? throw new ModelLoadException($"No model found at '{model.Path}'.");
            return await loader.Load(model.Path, CancellationToken.None);
        }
        catch
        {
            // Let a later call retry (the file may come back); do not cache the failure.
            agents.TryRemove(model.Id, out _);
            throw;
        }
    }
}
