using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Bot;

namespace Switchboard.Tests.Security;

/// <summary>Damaged and hostile copies of the example's trained model file, by name.</summary>
public static class RasaHostileModels
{
    /// <summary>The example model with <paramref name="change"/> applied to a copy of its archive, in a temporary file the caller deletes.</summary>
    public static string Hostile(Action<ZipArchive> change)
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchboard-hostile-model-{Guid.NewGuid():N}.zip");
        File.Copy(ExampleProject.ModelPath, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            change(zip);
        }

        return path;
    }

    public static void Replace(ZipArchive zip, string name, byte[] content, CompressionLevel level = CompressionLevel.Optimal)
    {
        zip.GetEntry(name)?.Delete();
        using var entry = zip.CreateEntry(name, level).Open();
        entry.Write(content);
    }

    public static void EditJson(ZipArchive zip, string name, Action<JsonNode> edit)
    {
        JsonNode node;
        using (var reader = new StreamReader(zip.GetEntry(name)!.Open()))
        {
            node = JsonNode.Parse(reader.ReadToEnd())!;
        }

        edit(node);
        Replace(zip, name, Encoding.UTF8.GetBytes(node.ToJsonString()));
    }

    /// <summary>A zip archive of one entry of <paramref name="bytes"/> zero bytes (compresses about 1,000 times).</summary>
    public static byte[] ZerosArchive(long bytes)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("zeros", CompressionLevel.SmallestSize).Open();
            var chunk = new byte[1 << 20];
            for (long written = 0; written < bytes; written += chunk.Length)
            {
                entry.Write(chunk, 0, (int)Math.Min(chunk.Length, bytes - written));
            }
        }

        return buffer.ToArray();
    }

    public static readonly Dictionary<string, Action<ZipArchive>> Damages = new()
    {
        ["bad regex"] = zip => EditJson(zip, "nlu/data.json", data => data["regexes"] = new JsonArray(new JsonObject { ["name"] = "zipcode", ["pattern"] = "[0-9" })),
        ["null config"] = zip => EditJson(zip, "manifest.json", m => m["config"] = null),
        ["missing config"] = zip => EditJson(zip, "manifest.json", m => m.AsObject().Remove("config")),
        ["null entries"] = zip => EditJson(zip, "manifest.json", m => m["entries"] = null),
        ["null entry"] = zip => EditJson(zip, "manifest.json", m => m["entries"]!.AsArray().Add(null)),
        ["null nlu settings"] = zip => EditJson(zip, "manifest.json", m => m["config"]!["nlu"] = null),
        ["null rule"] = zip => EditJson(zip, "dialogue/rules.json", r => r.AsArray().Add(null)),
        ["null synonyms"] = zip => EditJson(zip, "nlu/data.json", d => d["synonyms"] = null),
        ["memo history out of range"] = zip => EditJson(zip, "dialogue/memoization.json", d => d["maxHistory"] = -3),
        ["feature index out of range"] = zip => EditJson(zip, "dialogue/learned-features.json", d => d["index"]!["zz"] = 1_000_000),
        ["garbage entities.bin"] = zip => Replace(zip, "nlu/entities.bin", Encoding.ASCII.GetBytes("this is not an entity tagger at all")),
        ["entities.bin with a huge count"] = zip => Replace(zip, "nlu/entities.bin", [0xff, 0xff, 0xff, 0x7f, 1, 2, 3]),
        ["garbage intents archive"] = zip => Replace(zip, "nlu/intents.mlnet.zip", Encoding.ASCII.GetBytes("PK\u0003\u0004 garbage")),
        ["foreign intents archive"] = zip => Replace(zip, "nlu/intents.mlnet.zip", ZerosArchive(1000)),
        ["garbage learned policy"] = zip => Replace(zip, "dialogue/learned.mlnet.zip", Encoding.ASCII.GetBytes("garbage")),
        ["domain not YAML"] = zip => Replace(zip, "domain.yml", Encoding.UTF8.GetBytes("secret-value-42: [unclosed")),
        ["bomb entry"] = zip => Replace(zip, "domain.yml", new byte[300L * 1024 * 1024], CompressionLevel.SmallestSize),
        ["bomb inside the intents archive"] = zip => Replace(zip, "nlu/intents.mlnet.zip", ZerosArchive(300L * 1024 * 1024), CompressionLevel.NoCompression),
    };
}
