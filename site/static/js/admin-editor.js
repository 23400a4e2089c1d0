/*
 * The Wagtail editor: the editor's own Save is the last word (issue 13, finding 10).
 *
 * Wagtail 8 autosaves the edit form. A change is noticed within half a second, and about a
 * second later the form is posted in the background (to the create URL while the page is
 * new). An editor who pressed Save (or Submit, Publish) in that second had the page saved,
 * and then the background post went out anyway: on a new page it posted the same page to
 * the create URL a second time and was answered 400 (its slug was now taken); on an
 * existing page, 400 again (a newer revision exists). So once the form is submitted,
 * autosave stops: the background save that was waiting is called off and no new one starts.
 *
 * Both go through what Wagtail's own templates wire together: the `w-autosave:save` event
 * (cancelable; Wagtail skips a save whose event was prevented) and the controller's
 * `active` value (Wagtail itself switches it off after a conflict).
 */
(() => {
  const waiting = new WeakMap(); // form -> its latest background save, not yet sent

  document.addEventListener('w-autosave:save', (event) => {
    waiting.set(event.target, event);
  });

  window.addEventListener('submit', (event) => {
    const form = event.target;
    if (event.defaultPrevented || !form.matches('[data-controller~="w-autosave"]')) return;
    form.setAttribute('data-w-autosave-active-value', 'false');
    const save = waiting.get(form);
    if (save) save.preventDefault();
  });
})();
