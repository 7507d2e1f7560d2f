namespace Switchboard.Bot.Agents;

/// <summary>
/// Turns a model path into an <see cref="IAgent"/>. Register implementations in DI on silos and gateways
/// (<c>services.AddSingleton&lt;IModelLoader, MyLoader&gt;()</c>); the loader with the highest
/// <see cref="Priority"/> whose <see cref="CanLoad"/> is true wins. The domain-only loader has priority 0.
/// </summary>
public interface IModelLoader
{
    int Priority { get; }

    bool CanLoad(string path);

    /// <summary>Throws <see cref="ModelLoadException"/> when the path is not a loadable model.</summary>
    Task<IAgent> Load(string path, CancellationToken cancellation);
}
