using System.Buffers;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>Request bodies of the client transports, read whole up to a size limit.</summary>
internal static class BoundedBody
{
    /// <returns>The body, or null when it is larger than <paramref name="maxSize"/>.</returns>
    public static async Task<byte[]?> Read(HttpRequest request, int maxSize, CancellationToken aborted)
    {
        if (request.ContentLength > maxSize)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(Math.Min(maxSize, 4096));
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), aborted);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxSize)
            {
                return null;
            }
        }
    }
}
