// What the kiosk page tells the patient while a measurement command runs (issue 7), German first, then English.
// The kiosk page receives its kiosk's command states as `command` events on its vitals socket (protocol/README.md)
// and shows these texts large, above its readings.

/** The patient's texts per command kind and state: [German, English]. */
export const GUIDANCE = {
  'blood-pressure': {
    queued: ['Gleich wird Ihr Blutdruck gemessen. Bitte legen Sie die Manschette am Oberarm an.',
      'Your blood pressure will be measured shortly. Please put the cuff on your upper arm.'],
    running: ['Bitte ruhig sitzen, die Manschette pumpt gleich auf.', 'Please sit still, the cuff will inflate.'],
    done: ['Danke, die Blutdruckmessung ist fertig.', 'Thank you, the blood-pressure measurement is done.'],
  },
  weight: {
    queued: ['Gleich wird Ihr Gewicht gemessen.', 'Your weight will be measured shortly.'],
    running: ['Bitte stellen Sie sich ruhig auf die Waage.', 'Please stand still on the scale.'],
    done: ['Danke, Sie können von der Waage steigen.', 'Thank you, you can step off the scale.'],
  },
  temperature: {
    queued: ['Gleich wird Ihre Temperatur gemessen.', 'Your temperature will be measured shortly.'],
    running: ['Bitte halten Sie die Stirn vor das Thermometer.', 'Please hold your forehead in front of the thermometer.'],
    done: ['Danke, die Temperatur ist gemessen.', 'Thank you, your temperature has been measured.'],
  },
  ecg: {
    queued: ['Gleich wird ein EKG aufgezeichnet. Bitte legen Sie die Elektroden an.',
      'An ECG will be recorded shortly. Please attach the electrodes.'],
    running: ['Bitte ruhig sitzen und nicht sprechen, das EKG wird aufgezeichnet.',
      'Please sit still and do not talk, the ECG is being recorded.'],
    done: ['Danke, das EKG ist fertig. Sie können die Elektroden abnehmen.',
      'Thank you, the ECG is done. You can remove the electrodes.'],
  },
};

const FAILED = ['Die Messung hat nicht geklappt. Ihre Ärztin / Ihr Arzt sagt Ihnen, wie es weitergeht.',
  'The measurement did not work. Your doctor will tell you what happens next.'];
const EXPIRED = ['Die Messung wurde abgebrochen.', 'The measurement was cancelled.'];

/** The [German, English] text for a command of {@code kind} in {@code state}, or null if there is nothing to say. */
export function guidanceText(kind, state) {
  if (state === 'failed') {
    return FAILED;
  }
  if (state === 'expired') {
    return EXPIRED;
  }
  return GUIDANCE[kind]?.[state] || null;
}

/** Shows the guidance for {@code command} ({kind, state}) in {@code element}: German, then English (lang="en"). */
export function renderGuidance(element, command) {
  const text = command ? guidanceText(command.kind, command.state) : null;
  element.replaceChildren();
  element.hidden = !text;
  if (!text) {
    return;
  }
  const de = document.createElement('p');
  de.className = 'guidance-de';
  de.textContent = text[0];
  const en = document.createElement('p');
  en.className = 'guidance-en';
  en.lang = 'en';
  en.textContent = text[1];
  element.append(de, en);
}
