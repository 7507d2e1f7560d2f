using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Switchboard.Security;

namespace Switchboard.Tests.Security;

/// <summary>HS256 as Centrifugo and Rasa users use it: short secrets and no exp accepted, everything else pinned.</summary>
public sealed class Hs256JwtTests
{
    private const string ShortSecret = "s3";

    [Fact]
    public void AcceptsShortSecretsAndTokensWithoutExp()
    {
        var result = Hs256Jwt.Validate(Hs256Jwt.Create(ShortSecret, new { sub = "42", info = new { a = 1 } }), ShortSecret);
        Assert.True(result.IsValid);
        Assert.Equal("42", result.Claims.GetProperty("sub").GetString());
        Assert.Equal(1, result.Claims.GetProperty("info").GetProperty("a").GetInt32());
    }

    [Fact]
    public void ChecksExpiryAndNotBefore()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(JwtStatus.Expired, Hs256Jwt.Validate(Hs256Jwt.Create(ShortSecret, new { sub = "1", exp = now - 1 }), ShortSecret).Status);
        Assert.Equal(JwtStatus.Valid, Hs256Jwt.Validate(Hs256Jwt.Create(ShortSecret, new { sub = "1", exp = now + 60 }), ShortSecret).Status);
        Assert.Equal(JwtStatus.Invalid, Hs256Jwt.Validate(Hs256Jwt.Create(ShortSecret, new { sub = "1", nbf = now + 60 }), ShortSecret).Status);
        Assert.Equal(JwtStatus.Invalid, Hs256Jwt.Validate(Hs256Jwt.Create(ShortSecret, new { sub = "1", exp = "soon" }), ShortSecret).Status);
    }

    [Theory]
    [InlineData("""{"alg":"none","typ":"JWT"}""", false)]
    [InlineData("""{"alg":"HS512","typ":"JWT"}""", true)]
    [InlineData("""{"alg":"RS256","typ":"JWT"}""", true)]
    [InlineData("""{"typ":"JWT"}""", true)]
    [InlineData("""["HS256"]""", true)]
    public void PinsTheAlgorithm(string header, bool signed)
    {
        var input = Encode(header) + "." + Encode("""{"sub":"1"}""");
        var token = input + "." + (signed ? Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ShortSecret), Encoding.ASCII.GetBytes(input))) : "");
        Assert.Equal(JwtStatus.Invalid, Hs256Jwt.Validate(token, ShortSecret).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("!!.??.**")]
    public void RefusesMalformedTokens(string token) => Assert.Equal(JwtStatus.Invalid, Hs256Jwt.Validate(token, ShortSecret).Status);

    [Theory]
    [InlineData("""{"sub":"1","exp":0}""")]
    [InlineData("""{"sub":"1","exp":0.5}""")]
    [InlineData("""{"sub":"1","exp":-1}""")]
    [InlineData("""{"sub":"1","exp":-1e300}""")]
    public void RefusesExpiriesThatWouldReadAsNever(string payload) => Assert.Equal(JwtStatus.Invalid, Hs256Jwt.Validate(Sign(payload), ShortSecret).Status);

    [Fact]
    public void AcceptsAFractionalExpInTheFuture()
    {
        var exp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60.5;
        Assert.Equal(JwtStatus.Valid, Hs256Jwt.Validate(Sign($$"""{"sub":"1","exp":{{exp.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}"""), ShortSecret).Status);
    }

    [Theory]
    [InlineData("""{"user":{"username":"alice","role":"user"},"user":{"username":"alice","role":"admin"}}""")]
    [InlineData("""{"sub":"alice","sub":"admin"}""")]
    [InlineData("""{"user":{"role":"user","role":"admin"}}""")]
    [InlineData("""{"sub":"\ud800"}""")]
    [InlineData("""{"\udfff":1}""")]
    public void RefusesRepeatedClaimsAndStringsThatAreNoText(string payload) => Assert.Equal(JwtStatus.Invalid, Hs256Jwt.Validate(Sign(payload), ShortSecret).Status);

    [Fact]
    public void RefusesAPayloadThatIsNotUtf8()
    {
        byte[] payload = [.. "{\"sub\":\""u8, 0xC0, 0xAF, .. "\"}"u8];
        var input = Encode("""{"alg":"HS256"}""") + "." + Base64Url.EncodeToString(payload);
        var token = input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ShortSecret), Encoding.ASCII.GetBytes(input)));
        Assert.Equal(JwtStatus.Invalid, Hs256Jwt.Validate(token, ShortSecret).Status);
    }

    [Fact]
    public void RefusesAHeaderWithTwoAlgorithms() =>
        Assert.Equal(JwtStatus.Invalid, Hs256Jwt.Validate(Sign("""{"sub":"1"}""", """{"alg":"none","alg":"HS256"}"""), ShortSecret).Status);

    [Fact]
    public void RefusesAnotherSecretAndATamperedPayload()
    {
        var token = Hs256Jwt.Create(ShortSecret, new { sub = "alice" });
        Assert.Equal(JwtStatus.Invalid, Hs256Jwt.Validate(token, "other").Status);
        var parts = token.Split('.');
        var tampered = parts[0] + "." + Encode("""{"sub":"admin"}""") + "." + parts[2];
        Assert.Equal(JwtStatus.Invalid, Hs256Jwt.Validate(tampered, ShortSecret).Status);
    }

    [Fact]
    public async Task InteroperatesWithIdentityModelTokens()
    {
        // A token written by Microsoft.IdentityModel with a 256-bit key validates here, and ours there.
        var key = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Encoding.UTF8.GetBytes(new string('k', 32)));
        var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler();
        var theirs = handler.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = "bob" },
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
        Assert.Equal("bob", Hs256Jwt.Validate(theirs, new string('k', 32)).Claims.GetProperty("sub").GetString());

        var ours = Hs256Jwt.Create(new string('k', 32), new { sub = "carol", exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds() });
        var validated = await handler.ValidateTokenAsync(ours, new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidateAudience = false,
            ValidateIssuer = false,
        });
        Assert.True(validated.IsValid, validated.Exception?.Message);
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private static string Sign(string payload, string header = """{"alg":"HS256","typ":"JWT"}""")
    {
        var input = Encode(header) + "." + Encode(payload);
        return input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(ShortSecret), Encoding.ASCII.GetBytes(input)));
    }
}
