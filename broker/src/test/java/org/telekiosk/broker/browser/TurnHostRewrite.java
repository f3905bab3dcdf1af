package org.telekiosk.broker.browser;

import java.net.InetAddress;

/**
 * Split-horizon naming of the TURN server inside one page: the broker offers {@code turn:NAME:…} URLs, and this
 * page's peer connections use {@code address} for NAME (its constructor and {@code setConfiguration} wrapped
 * before the call starts). Needed because Chromium 156 cannot resolve the host name of a {@code turn:…?transport=udp}
 * URL here, neither through {@code --host-resolver-rules} nor through {@code /etc/hosts} in a namespace (the ICE
 * error is 701 "TURN host lookup received error"), while TCP and TLS URLs resolve; in production DNS answers. The
 * kiosk's page gets the host end of its link, the doctor's 127.0.0.1, as a split-horizon DNS would answer. The
 * browser tests without a namespace use it the other way round: the kiosk's page reaches coturn's {@code 127.0.0.1}
 * at {@code 127.0.0.2}, where the link emulator's UDP relay listens (Chromium's WebRTC does not follow
 * {@code --host-resolver-rules} for TURN hosts, and the broker issues one ICE configuration to both pages). The one
 * place for this rewrite: {@code CutResumeBrowserTest}, {@code LadderOnLinkBrowserTest} and the hardware tests'
 * calls on a link.
 */
public final class TurnHostRewrite {
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

    /**
     * From now on, this page's peer connections reach {@code name} (a host name or an address as the broker's
     * {@code turn:}/{@code turns:} URLs name it) at {@code address}. Install it after the page loaded and before the
     * call starts.
     */
    public static void install(Chromium page, String name, InetAddress address) {
        page.script(SCRIPT, name, address.getHostAddress());
    }
}
