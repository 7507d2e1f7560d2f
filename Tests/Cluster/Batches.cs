namespace Switchboard.Tests.Cluster;

/// <summary>Many clients at once, 50 at a time: connecting thousands in one go only times out.</summary>
public static class Batches
{
    public static async Task<TResult[]> ForEach<T, TResult>(IEnumerable<T> items, Func<T, Task<TResult>> action)
    {
        var results = new List<TResult>();
        foreach (var chunk in items.Chunk(50))
        {
            results.AddRange(await Task.WhenAll(chunk.Select(action)));
        }

        return [.. results];
    }

    public static Task ForEach<T>(IEnumerable<T> items, Func<T, Task> action) =>
        ForEach(items, async item =>
        {
            await action(item);
            return true;
        });
}
