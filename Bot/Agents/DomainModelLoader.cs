using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Agents;

/// <summary>Loads a domain YAML file (or a directory holding <c>domain.yml</c>) as a <see cref="DomainAgent"/>.</summary>
public sealed class DomainModelLoader : IModelLoader
{
    public int Priority => 0;

    public bool CanLoad(string path) => DomainFile(path) is not null;

    public async Task<IAgent> Load(string path, CancellationToken cancellation)
    {
        var file = DomainFile(path) ?? throw new ModelLoadException($"No model found at '{path}'.");
        try
        {
            var yaml = await File.ReadAllTextAsync(file, cancellation);
            return new DomainAgent(BotDomain.Parse(yaml, Path.GetFileName(file)), Path.GetFileName(file));
        }
        catch (BotDataException e)
        {
            throw new ModelLoadException($"The domain in '{path}' is invalid: {ModelLoadException.Describe(e)}", e);
        }
        catch (IOException e)
        {
            throw new ModelLoadException($"Cannot read '{path}': {ModelLoadException.Describe(e)}", e);
        }
    }

    private static string? DomainFile(string path)
    {
        if (File.Exists(path) && (path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)))
        {
            return path;
        }

        return Directory.Exists(path)
            ? new[] { "domain.yml", "domain.yaml" }.Select(f => Path.Combine(path, f)).FirstOrDefault(File.Exists)
            : null;
    }
}
