package org.telekiosk.hardware.call;

import java.net.InetAddress;
import org.telekiosk.broker.browser.Chromium;

/**
 * Split-horizon naming of the TURN server inside one page: the broker offers {@code turn:NAME:…} URLs, and this
 * page's peer connections use {@code address} for NAME (its constructor and {@code setConfiguration} wrapped
 * before the call starts). Needed because Chromium 156 cannot resolve the host name of a {@code turn:…?transport=udp}
 * URL here, neither through {@code --host-resolver-rules} nor through {@code /etc/hosts} in a namespace (the ICE
 * error is 701 "TURN host lookup received error"), while TCP and TLS URLs resolve; in production DNS answers. The
 * kiosk's page gets the host end of its link, the doctor's 127.0.0.1, as a split-horizon DNS would answer.
 */
final class TurnHostRewrite {
    private static final String SCRIPT = """
            const name = arguments[0], address = arguments[1];
            const rewrite = (config) => !config || !config.iceServers ? config : {...config,
                iceServers: config.iceServers.map((s) => ({...s,
                    urls: [].concat(s.urls).map((u) => u.replace(':' + name + ':', ':' + address + ':'))}))};
            const Native = window.RTCPeerConnection;
            if (Native.__rewritten) return;
            const Wrapped = function (config, ...rest) { return new Native(rewrite(config), ...rest); };
            Wrapped.prototype = Native.prototype;
            Wrapped.__rewritten = true;
            Object.setPrototypeOf(Wrapped, Native);
            const setConfiguration = Native.prototype.setConfiguration;
            Native.prototype.setConfiguration = function (config) { return setConfiguration.call(this, rewrite(config)); };
            window.RTCPeerConnection = Wrapped;
            """;

    private TurnHostRewrite() {
    }

    /** From now on, this page's peer connections reach {@code name} at {@code address}. */
    static void install(Chromium page, String name, InetAddress address) {
        page.script(SCRIPT, name, address.getHostAddress());
    }
}
