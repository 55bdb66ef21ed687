/* The lesson player (learning/lesson_detail.html): resume, chapters, transcript, heartbeat.
 *
 * Every 15 s while the video plays (and when it pauses or ends) the player tells
 * the server where it is. The server decides what that proves (it clamps the
 * position and never credits more than the time elapsed), so this file only reports.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 15000;

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try {
      return JSON.parse(headers)["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function setup(video) {
    var url = video.getAttribute("data-heartbeat-url");
    var resumeAt = parseFloat(video.getAttribute("data-resume-at") || "0");
    var status = document.getElementById("watched-share");
    var timer = null;
    var sending = false;

    function beat() {
      if (sending || !url) {
        return;
      }
      sending = true;
      var body = new URLSearchParams();
      body.set("position", String(Math.floor(video.currentTime || 0)));
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() }
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || !status) {
            return;
          }
          if (data.completed) {
            status.textContent = video.getAttribute("data-done-label");
          } else {
            status.textContent = Math.round(data.share * 100) + " % " + video.getAttribute("data-share-label");
          }
        })
        .catch(function () { /* the next beat tries again */ })
        .then(function () { sending = false; });
    }

    video.addEventListener("loadedmetadata", function () {
      if (resumeAt > 0 && resumeAt < (video.duration || Infinity)) {
        video.currentTime = resumeAt;
      }
    });
    video.addEventListener("play", function () {
      if (timer === null) {
        timer = window.setInterval(beat, INTERVAL_MS);
      }
    });
    ["pause", "ended"].forEach(function (name) {
      video.addEventListener(name, function () {
        if (timer !== null) {
          window.clearInterval(timer);
          timer = null;
        }
        beat();
      });
    });

    document.querySelectorAll("[data-seek]").forEach(function (button) {
      button.addEventListener("click", function () {
        var at = parseFloat(button.getAttribute("data-seek"));
        if (!isNaN(at)) {
          video.currentTime = at;
          video.focus();
          video.play();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var video = document.querySelector("video[data-heartbeat-url]");
    if (video) {
      setup(video);
    }
  });
})();
