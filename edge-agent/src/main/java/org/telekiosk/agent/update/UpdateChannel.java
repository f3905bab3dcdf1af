package org.telekiosk.agent.update;

import java.io.IOException;
import org.telekiosk.protocol.update.AgentUpdateOffer;
import org.telekiosk.protocol.update.AgentUpdateReport;
import org.telekiosk.protocol.update.DebianVersion;

/** The broker as the updater sees it; {@link UpdateClient} is the HTTPS one. Blocking. */
public interface UpdateChannel {
    UpdateClient.Answer offer(DebianVersion running, String architecture) throws IOException, InterruptedException;

    byte[] download(AgentUpdateOffer offer) throws IOException, InterruptedException;

    void report(AgentUpdateReport report) throws IOException, InterruptedException;
}
