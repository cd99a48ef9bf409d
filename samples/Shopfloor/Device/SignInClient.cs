using System.Net.Http.Json;
using System.Text.Json;

namespace Shopfloor.Device;

/// <summary>Signs a device in against the Shopfloor server's <c>/api/auth/sign-in</c> (department code + PIN).</summary>
public static class SignInClient
{
    /// <summary>Returns the session (token and department) or throws with the server's reason.</summary>
    public static async Task<DeviceSessionFile> SignInAsync(HttpClient http, Uri server, string deviceId, string departmentCode, string pin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.PostAsJsonAsync(new Uri(server, "/api/auth/sign-in"),
            new Dictionary<string, string> { ["deviceId"] = deviceId, ["departmentCode"] = departmentCode, ["pin"] = pin }, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"sign-in failed ({(int)response.StatusCode}): {body}");
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return new DeviceSessionFile(server, deviceId, root.GetProperty("departmentId").GetString()!, root.GetProperty("token").GetString()!);
    }
}
