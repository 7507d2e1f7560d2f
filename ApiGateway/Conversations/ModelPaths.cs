namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// Where the API may load models from (<c>PUT /model</c>'s <c>model_file</c>, <c>/model/test/intents?model=</c>):
/// the models directory (<c>--models-dir</c>, default <c>models</c>, where training and model servers write) and
/// the directories an operator adds with <c>--model-roots DIR[,DIR]</c>. Other paths are refused before the file is
/// opened, so an API client cannot make the server read arbitrary files. <c>-m</c> at start-up is the operator's
/// choice and is not confined.
/// </summary>
public sealed class ModelPaths
{
    private readonly string[] roots;

    private ModelPaths(string modelsDirectory, IEnumerable<string> extraRoots)
    {
        ModelsDirectory = modelsDirectory;
        roots = [modelsDirectory, .. extraRoots];
    }

    /// <summary>The absolute models directory.</summary>
    public string ModelsDirectory { get; }

    public static ModelPaths From(IConfiguration config) => new(
        Path.GetFullPath(config["models_dir"] ?? "models"),
        (config["model_roots"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Path.GetFullPath));

    /// <summary>Why <paramref name="path"/> may not be loaded through the API, or null when it is inside an allowed directory.</summary>
    public string? Problem(string path)
    {
        var full = Path.GetFullPath(path);
        return roots.Any(root => full == root || full.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            ? null
            : $"Models are loaded from the models directory '{ModelsDirectory}' (--models-dir) or a directory of --model-roots; '{path}' is outside them.";
    }
}
