using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Outpost.Wire.Protocol;
using Outpost.Wire.Tests.Support;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Tests.Transport;

public class TlsTests
{
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    [Fact]
    public async Task Frames_flow_over_TLS_and_plain_clients_are_refused()
    {
        using var certificate = SelfSigned();
        var handler = new EchoHandler();
        await using var server = new WireServer(new WireServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Certificate = certificate }, handler);
        server.Start();

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.LocalEndPoint, TestContext.Current.CancellationToken);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, TestContext.Current.CancellationToken);
        var builder = (RawWireClient)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(RawWireClient));
        byte[] frame = builder.BuildMsg(RawBson.Int32Doc("ping", 1), requestId: 9);
        await ssl.WriteAsync(frame, TestContext.Current.CancellationToken);
        byte[] header = new byte[16];
        await ssl.ReadExactlyAsync(header, TestContext.Current.CancellationToken);
        var reply = MessageHeader.Read(header);
        Assert.Equal(9, reply.ResponseTo);
        Assert.Equal(OpCode.Msg, reply.OpCode);

        await using var plain = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        await plain.SendRawAsync(frame);
        Assert.True(await plain.IsClosedByServerAsync(TimeSpan.FromSeconds(15)));
    }
}
