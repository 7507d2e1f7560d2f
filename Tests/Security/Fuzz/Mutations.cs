using System.Text;

namespace Switchboard.Tests.Security.Fuzz;

/// <summary>Byte-level damage to a well-formed input: what a broken or hostile client sends.</summary>
public static class Mutations
{
    private static readonly byte[][] Insertions =
    [
        [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x00], "\\"u8.ToArray(), "\""u8.ToArray(),
        "{"u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), "\n"u8.ToArray(), "\\u"u8.ToArray(), "\\ud800"u8.ToArray(),
    ];

    public static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        var count = 1 + random.Next(4);
        for (var i = 0; i < count; i++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.InsertRange(at, Insertions[random.Next(Insertions.Length)]);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16)));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4 when bytes.Count > 0:
                    var length = Math.Min(bytes.Count - at, 1 + random.Next(64));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(random.Next(3) == 0 ? "\"\\ud83d\"" : "null"));
                    break;
            }
        }

        return [.. bytes];
    }
}
