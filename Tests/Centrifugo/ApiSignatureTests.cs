using System.Text;
using Switchboard.ApiGateway.Centrifugo.Api;

namespace Switchboard.Tests.Centrifugo;

public sealed class ApiSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"method":"publish","params":{"channel":"news","data":{}}}""");

    [Fact]
    public void The_sign_of_the_body_with_the_secret_verifies_in_either_case_and_with_surrounding_spaces()
    {
        var sign = ApiSignature.Sign("secret", Body);

        Assert.Equal(64, sign.Length);
        Assert.True(ApiSignature.Verify("secret", Body, sign));
        Assert.True(ApiSignature.Verify("secret", Body, sign.ToUpperInvariant()));
        Assert.True(ApiSignature.Verify("secret", Body, " " + sign + " "));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz")]
    public void Anything_but_the_right_sign_fails(string garbage)
    {
        var sign = ApiSignature.Sign("secret", Body);

        Assert.False(ApiSignature.Verify("other secret", Body, sign));
        Assert.False(ApiSignature.Verify("secret", [.. Body, (byte)' '], sign));
        Assert.False(ApiSignature.Verify("secret", Body, sign[..^2]));
        Assert.False(ApiSignature.Verify("secret", Body, sign + "00"));
        Assert.False(ApiSignature.Verify("secret", Body, sign[..^2] + garbage));
    }

    [Fact]
    public void A_long_secret_signs_and_verifies()
    {
        var secret = new string('k', 1000);

        Assert.True(ApiSignature.Verify(secret, Body, ApiSignature.Sign(secret, Body)));
        Assert.False(ApiSignature.Verify(secret + "x", Body, ApiSignature.Sign(secret, Body)));
    }

    [Fact]
    public void Repeated_verifications_with_alternating_secrets_and_bodies_keep_their_answers()
    {
        byte[] other = [.. Body, (byte)'\n'];
        for (var i = 0; i < 5; i++)
        {
            Assert.True(ApiSignature.Verify("secret", Body, ApiSignature.Sign("secret", Body)));
            Assert.False(ApiSignature.Verify("secret", other, ApiSignature.Sign("secret", Body)));
            Assert.True(ApiSignature.Verify(new string("secret".AsSpan()), other, ApiSignature.Sign("secret", other)));
            Assert.True(ApiSignature.Verify("second secret", Body, ApiSignature.Sign("second secret", Body)));
            Assert.False(ApiSignature.Verify("second secret", Body, ApiSignature.Sign("secret", Body)));
        }
    }
}
